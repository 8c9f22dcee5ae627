package dev.alerthub.alert;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus' label-set fingerprint (FNV-1a 64 over sorted name/value pairs, 0xff separated),
 * printed as Alertmanager prints it (%016x). Probe alerts therefore get the same fingerprint the
 * same labels would get in Alertmanager, and a silence or a dedup key means the same thing. Intake
 * computes every webhook alert's fingerprint here and ignores the one in the payload.
 * <p>
 * Go sorts label names as byte strings, i.e. by UTF-8 bytes, which is code point order; Java's
 * {@code String.compareTo} compares UTF-16 units and orders a name with a character above U+FFFF
 * before one with a character in U+E000..U+FFFF. UTF-8 label names (Alertmanager 0.27+) make that
 * difference reachable, so names are sorted by code point.
 */
public final class Fingerprints {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;
    private static final byte SEPARATOR = (byte) 0xff;

    /** Go's string order: by UTF-8 bytes, which is by code point. */
    static final Comparator<String> GO_ORDER = Fingerprints::compareCodePoints;

    private Fingerprints() {
    }

    public static String of(Map<String, String> labels) {
        long h = OFFSET;
        for (Map.Entry<String, String> e : sorted(labels).entrySet()) {
            h = add(h, e.getKey().getBytes(StandardCharsets.UTF_8));
            h = addByte(h, SEPARATOR);
            h = add(h, e.getValue().getBytes(StandardCharsets.UTF_8));
            h = addByte(h, SEPARATOR);
        }
        return String.format("%016x", h);
    }

    /** FNV-1a 64 of a string's UTF-8 bytes as 16 hex digits: a short stable id for a long key (an alert group's). */
    public static String hash(String key) {
        return String.format("%016x", add(OFFSET, key.getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, String> sorted(Map<String, String> labels) {
        Map<String, String> out = new TreeMap<>(GO_ORDER);
        out.putAll(labels);
        return out;
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    private static long add(long h, byte[] bytes) {
        for (byte b : bytes) {
            h = addByte(h, b);
        }
        return h;
    }

    private static long addByte(long h, byte b) {
        h ^= (b & 0xff);
        return h * PRIME;
    }
}
