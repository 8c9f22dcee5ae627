package dev.alerthub.alert;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Matchers that must all hold (a silence's, and later an inhibition rule's or a route's). Kept in
 * the caller's order for display; evaluated cheapest first, so that across many silences most
 * misses are decided by a string comparison before any regex runs.
 */
public final class Matchers {
    private final List<Matcher> all;
    private final Matcher[] byCost;

    public Matchers(List<Matcher> matchers) {
        this.all = List.copyOf(matchers);
        this.byCost = all.stream().sorted(Comparator.comparing(Matcher::isRegex)).toArray(Matcher[]::new);
    }

    /** Alertmanager's matcher syntax, e.g. {@code {alertname=~"High.*", namespace!="dev"}}. */
    public static Matchers parse(String expression) {
        return new Matchers(MatcherSyntax.parse(expression));
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Matchers of(List<Matcher> matchers) {
        return new Matchers(matchers);
    }

    @JsonValue
    public List<Matcher> all() {
        return all;
    }

    public boolean isEmpty() {
        return all.isEmpty();
    }

    public boolean matches(Map<String, String> labels) {
        for (Matcher m : byCost) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matchers m && m.all.equals(all);
    }

    @Override
    public int hashCode() {
        return all.hashCode();
    }

    /** In Alertmanager's syntax, which {@link #parse} reads back. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < all.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(all.get(i));
        }
        return s.append('}').toString();
    }
}
