package dev.alerthub.config;

import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;
import java.util.Optional;

/**
 * Typed reads of the hub's properties through Camel's properties component, so a value from
 * application.properties, {@code -Dname=} or {@code ALERTHUB_NAME} is the same value everywhere.
 */
public final class Props {
    /**
     * Set by the wiring when the hub is built: false when it is built without its routes (validate),
     * so beans that check route files at start-up leave that to validate.
     */
    public static final String ROUTES_LOADED = "alerthub.internal.routes-loaded";

    private final PropertiesComponent pc;

    public Props(PropertiesComponent pc) {
        this.pc = pc;
    }

    public Optional<String> find(String key) {
        return pc.resolveProperty(key).map(String::trim);
    }

    public String get(String key, String fallback) {
        return find(key).filter(s -> !s.isEmpty()).orElse(fallback);
    }

    public String get(String key) {
        return get(key, "");
    }

    public int getInt(String key, int fallback) {
        String v = get(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a whole number");
        }
    }

    public boolean getBoolean(String key, boolean fallback) {
        String v = get(key, null);
        return v == null ? fallback : Boolean.parseBoolean(v);
    }

    /** Durations as {@link Durations} reads them (500ms, 15s, 10m, 2h, 1h30m); a bare number is milliseconds. */
    public Duration getDuration(String key, Duration fallback) {
        String v = get(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            return v.matches("\\d+") ? Duration.ofMillis(Long.parseLong(v)) : Durations.parse(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a duration (like 30s, 10m, 1h)");
        }
    }
}
