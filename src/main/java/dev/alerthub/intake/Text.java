package dev.alerthub.intake;

/**
 * The characters intake refuses in a label or annotation. Names follow Alertmanager's UTF-8 label
 * names (any valid UTF-8, as Prometheus 3 and Alertmanager 0.27+ send, e.g. {@code k8s.namespace.name});
 * refusing a name Alertmanager legitimately sends would lose that group for good, since a 4xx is final.
 * Refused: control characters in names; NUL anywhere (PostgreSQL text cannot hold it, so the store
 * would refuse the row); unpaired surrogates (not Unicode: Alertmanager can never send one, and the
 * fingerprint's UTF-8 bytes would be undefined).
 */
final class Text {
    private Text() {
    }

    /** What is wrong with {@code s}, or null. */
    static String problem(String s, boolean name) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return "contains a NUL character at " + i;
            }
            if (name && Character.isISOControl(c)) {
                return String.format("contains the control character U+%04X at %d", (int) c, i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format("contains an unpaired surrogate U+%04X at %d (not Unicode)", (int) c, i);
            }
        }
        return null;
    }

    /** A name for a message: quoted, control characters escaped. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("'");
        s.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.SURROGATE) {
                sb.append(String.format("\\u%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('\'').toString();
    }
}
