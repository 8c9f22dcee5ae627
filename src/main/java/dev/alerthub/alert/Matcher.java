package dev.alerthub.alert;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.util.Map;
import java.util.Objects;

/**
 * One label matcher, with Alertmanager's semantics: a missing label is the empty string, and a
 * regex is anchored at both ends ({@code ^(?:regex)$}). Regexes are RE2 (re2j): matching takes time
 * linear in the label value, so no pattern a caller writes can pin a thread the way a backtracking
 * engine lets {@code (.*a){16}$} do. The pattern is compiled once, here, not per alert.
 */
public final class Matcher {
    /** Alertmanager's four operators. */
    public enum Type {
        EQUAL("="), NOT_EQUAL("!="), REGEX("=~"), NOT_REGEX("!~");

        private final String operator;

        Type(String operator) {
            this.operator = operator;
        }

        public String operator() {
            return operator;
        }

        static Type of(boolean isRegex, boolean isEqual) {
            return isRegex ? (isEqual ? REGEX : NOT_REGEX) : (isEqual ? EQUAL : NOT_EQUAL);
        }
    }

    private final String name;
    private final Type type;
    private final String value;
    private final Pattern pattern;

    private Matcher(String name, Type type, String value, Pattern pattern) {
        this.name = name;
        this.type = type;
        this.value = value;
        this.pattern = pattern;
    }

    /** Throws {@link InvalidMatcherException} saying what is wrong with the name or the regex. */
    public static Matcher of(String name, Type type, String value) {
        Objects.requireNonNull(type, "type");
        if (name == null || name.isEmpty()) {
            throw new InvalidMatcherException("the label name is empty");
        }
        if (!isWellFormed(name)) {
            throw new InvalidMatcherException("the label name is not valid UTF-8");
        }
        if (value == null) {
            throw new InvalidMatcherException("the value is missing");
        }
        if (!isWellFormed(value)) {
            throw new InvalidMatcherException("the value is not valid UTF-8");
        }
        Pattern p = null;
        if (type == Type.REGEX || type == Type.NOT_REGEX) {
            try {
                // compiled alone first: a value such as "a)|(b" must not escape the anchoring group
                Pattern.compile(value);
                p = Pattern.compile("^(?:" + value + ")$");
            } catch (PatternSyntaxException e) {
                throw new InvalidMatcherException("not a valid RE2 regex: " + e.getDescription());
            }
        }
        return new Matcher(name, type, value, p);
    }

    /** The JSON shape of Alertmanager's API: {name, value, isRegex, isEqual (default true)}. */
    @JsonCreator
    public static Matcher fromJson(@JsonProperty("name") String name, @JsonProperty("value") String value,
                                   @JsonProperty("isRegex") Boolean isRegex, @JsonProperty("isEqual") Boolean isEqual) {
        return of(name, Type.of(isRegex != null && isRegex, isEqual == null || isEqual), value);
    }

    @JsonProperty("name")
    public String name() {
        return name;
    }

    @JsonProperty("value")
    public String value() {
        return value;
    }

    @JsonProperty("isRegex")
    public boolean isRegex() {
        return pattern != null;
    }

    @JsonProperty("isEqual")
    public boolean isEqual() {
        return type == Type.EQUAL || type == Type.REGEX;
    }

    @JsonIgnore
    public Type type() {
        return type;
    }

    public boolean matches(Map<String, String> labels) {
        String actual = labels.getOrDefault(name, "");
        boolean hit = pattern != null ? pattern.matches(actual) : actual.equals(value);
        return hit == isEqual();
    }

    /** Alertmanager's matcher syntax, always quoted: {@code name=~"value"}. */
    @Override
    public String toString() {
        return quote(name) + type.operator() + quote(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matcher m && m.name.equals(name) && m.type == type && m.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, value);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** False for a lone UTF-16 surrogate: such a string has no UTF-8 form. */
    private static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
