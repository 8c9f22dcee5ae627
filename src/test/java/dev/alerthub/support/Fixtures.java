package dev.alerthub.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Payloads captured from the real Alertmanager 0.25 and Prometheus 2.42 (copied from
 * shared/fixtures into src/test/resources/fixtures; see its README.md).
 */
public final class Fixtures {
    private Fixtures() {
    }

    public static byte[] bytes(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String path) {
        return new String(bytes(path), StandardCharsets.UTF_8);
    }

    /** The exact body Alertmanager POSTed, e.g. {@code webhook("webhook-firing-critical")}. */
    public static byte[] webhook(String name) {
        return bytes("alertmanager/raw/" + name + ".body");
    }
}
