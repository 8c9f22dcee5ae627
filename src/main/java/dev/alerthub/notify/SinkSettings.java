package dev.alerthub.notify;

import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a sink's settings at send time, so a rotated secret or a team target added to the
 * environment is used without rebuilding routes. Targets are per-team overrides:
 * {@code alerthub.<sink>.targets.<target>.<key>} (env {@code ALERTHUB_<SINK>_TARGETS_<TARGET>_<KEY>}).
 */
public final class SinkSettings {
    private final String sink;
    private final Function<String, Optional<String>> properties;

    public SinkSettings(String sink, Function<String, Optional<String>> properties) {
        this.sink = sink;
        this.properties = properties;
    }

    /** The value for a target, falling back to the sink's default; empty when neither is set. */
    public Optional<String> get(String target, String key) {
        if (target != null && !target.isBlank()) {
            return nonBlank(properties.apply("alerthub." + sink + ".targets." + target + "." + key));
        }
        return nonBlank(properties.apply("alerthub." + sink + "." + key));
    }

    public String sink() {
        return sink;
    }

    private static Optional<String> nonBlank(Optional<String> v) {
        return v.map(String::trim).filter(s -> !s.isEmpty());
    }
}
