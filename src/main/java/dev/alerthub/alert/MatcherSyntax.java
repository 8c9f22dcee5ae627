package dev.alerthub.alert;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Alertmanager's UTF-8 matcher syntax (its {@code matcher/parse} grammar, as amtool and
 * {@code --filter} take it): {@code {alertname=~"High.*", namespace!="dev"}}, braces optional,
 * a trailing comma allowed. Names and values are either double-quoted with Go's escapes
 * ({@code \"}, {@code \\}, {@code \n}, {@code \u00e9}, ...) or unquoted runs of anything but
 * white space and {@code { } ! = ~ , \ " ' `}.
 */
final class MatcherSyntax {
    private static final String RESERVED = "{}!=~,\\\"'`";

    private final String in;
    private int pos;

    private MatcherSyntax(String in) {
        this.in = in;
    }

    static List<Matcher> parse(String input) {
        return new MatcherSyntax(input == null ? "" : input).matchers();
    }

    private List<Matcher> matchers() {
        List<Matcher> out = new ArrayList<>();
        skipSpace();
        boolean brace = accept('{');
        while (true) {
            skipSpace();
            if (eof()) {
                if (brace) {
                    throw error("expected a close brace");
                }
                return out;
            }
            if (accept('}')) {
                if (!brace) {
                    throw error("'}' without an opening brace");
                }
                skipSpace();
                if (!eof()) {
                    throw error("expected end of input");
                }
                return out;
            }
            out.add(matcher());
            skipSpace();
            if (!eof() && !accept(',') && in.charAt(pos) != '}') {
                throw error("expected a comma or close brace");
            }
        }
    }

    private Matcher matcher() {
        int start = pos;
        String name = text("a label name");
        skipSpace();
        Matcher.Type type = operator();
        skipSpace();
        String value = text("a label value");
        try {
            return Matcher.of(name, type, value);
        } catch (InvalidMatcherException e) {
            throw new InvalidMatcherException(in.substring(start, pos) + ": " + e.getMessage());
        }
    }

    private Matcher.Type operator() {
        if (accept('=')) {
            return accept('~') ? Matcher.Type.REGEX : Matcher.Type.EQUAL;
        }
        if (accept('!')) {
            if (accept('=')) {
                return Matcher.Type.NOT_EQUAL;
            }
            if (accept('~')) {
                return Matcher.Type.NOT_REGEX;
            }
        }
        throw error("expected an operator such as '=', '!=', '=~' or '!~'");
    }

    private String text(String what) {
        if (!eof() && in.charAt(pos) == '"') {
            return quoted();
        }
        int start = pos;
        while (!eof() && !isReserved(in.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error("expected " + what);
        }
        return in.substring(start, pos);
    }

    /** A Go double-quoted string, as strconv.Unquote reads it; the result must be valid UTF-8. */
    private String quoted() {
        int start = pos++;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (true) {
            if (eof() || in.charAt(pos) == '\n') {
                pos = start;
                throw error("a quoted string without its closing quote");
            }
            char c = in.charAt(pos++);
            if (c == '"') {
                return utf8(bytes, start);
            }
            if (c != '\\') {
                if (Character.isHighSurrogate(c) && !eof() && Character.isLowSurrogate(in.charAt(pos))) {
                    bytes.writeBytes(new String(new char[] {c, in.charAt(pos++)}).getBytes(StandardCharsets.UTF_8));
                } else if (Character.isSurrogate(c)) {
                    throw errorAt(start, "quoted string contains invalid UTF-8");
                } else {
                    bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                }
                continue;
            }
            escape(bytes, start);
        }
    }

    private void escape(ByteArrayOutputStream bytes, int start) {
        if (eof()) {
            throw errorAt(start, "a quoted string without its closing quote");
        }
        char e = in.charAt(pos++);
        switch (e) {
            case 'a' -> bytes.write(7);
            case 'b' -> bytes.write(8);
            case 'f' -> bytes.write(12);
            case 'n' -> bytes.write('\n');
            case 'r' -> bytes.write('\r');
            case 't' -> bytes.write('\t');
            case 'v' -> bytes.write(11);
            case '\\', '"' -> bytes.write(e);
            case 'x' -> bytes.write(hex(2, start));
            case 'u', 'U' -> {
                int cp = hex(e == 'u' ? 4 : 8, start);
                if (cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
                    throw errorAt(start, "escape \\" + e + " names no Unicode character");
                }
                bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            }
            default -> {
                if (e >= '0' && e <= '7') {
                    pos--;
                    int v = Integer.parseInt(digits(3, start), 8);
                    if (v > 255) {
                        throw errorAt(start, "octal escape above \\377");
                    }
                    bytes.write(v);
                } else {
                    throw errorAt(start, "unknown escape \\" + e + " (write \\\\ for a backslash)");
                }
            }
        }
    }

    private int hex(int n, int start) {
        try {
            return (int) Long.parseLong(digits(n, start), 16);
        } catch (NumberFormatException ex) {
            throw errorAt(start, "bad hex escape");
        }
    }

    private String digits(int n, int start) {
        if (pos + n > in.length()) {
            throw errorAt(start, "an escape cut short");
        }
        String s = in.substring(pos, pos + n);
        pos += n;
        return s;
    }

    private String utf8(ByteArrayOutputStream bytes, int start) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw errorAt(start, "quoted string contains invalid UTF-8");
        }
    }

    private static boolean isReserved(char c) {
        return Character.isWhitespace(c) || RESERVED.indexOf(c) >= 0;
    }

    private boolean accept(char c) {
        if (!eof() && in.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (!eof() && Character.isWhitespace(in.charAt(pos))) {
            pos++;
        }
    }

    private boolean eof() {
        return pos >= in.length();
    }

    private InvalidMatcherException error(String message) {
        return errorAt(pos, message);
    }

    private InvalidMatcherException errorAt(int at, String message) {
        String near = at >= in.length() ? "end of input" : "'" + in.substring(at, Math.min(in.length(), at + 12)) + "'";
        return new InvalidMatcherException("column " + (at + 1) + " (at " + near + "): " + message);
    }
}
