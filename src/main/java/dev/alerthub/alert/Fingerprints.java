package dev.alerthub.alert;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus' label-set fingerprint (FNV-1a 64 over sorted name/value pairs, 0xff separated),
 * printed as Alertmanager prints it (%016x). Probe alerts therefore get the same fingerprint the
 * same labels would get in Alertmanager, and a silence or a dedup key means the same thing.
 */
public final class Fingerprints {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;
    private static final byte SEPARATOR = (byte) 0xff;

    private Fingerprints() {
    }

    public static String of(Map<String, String> labels) {
        long h = OFFSET;
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            h = add(h, e.getKey().getBytes(StandardCharsets.UTF_8));
            h = addByte(h, SEPARATOR);
            h = add(h, e.getValue().getBytes(StandardCharsets.UTF_8));
            h = addByte(h, SEPARATOR);
        }
        return String.format("%016x", h);
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
