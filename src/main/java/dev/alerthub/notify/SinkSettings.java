package dev.alerthub.notify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a sink's settings at send time, so a rotated secret or a team target added to the
 * environment is used without rebuilding routes. Targets are per-team overrides:
 * {@code alerthub.<sink>.targets.<target>.<key>} (env {@code ALERTHUB_<SINK>_TARGETS_<TARGET>_<KEY>}).
 */
public final class SinkSettings {
    private static final Logger LOG = LoggerFactory.getLogger(SinkSettings.class);
    private final String sink;
    private final Function<String, Optional<String>> properties;

    public SinkSettings(String sink, Function<String, Optional<String>> properties) {
        this.sink = sink;
        this.properties = properties;
    }

    /**
     * The value for a target, falling back to the sink's default: a team whose own setting is missing
     * still gets its alert through the shared channel rather than only into a log.
     */
    public Optional<String> get(String target, String key) {
        if (target != null && !target.isBlank()) {
            String name = "alerthub." + sink + ".targets." + target + "." + key;
            Optional<String> own = nonBlank(properties.apply(name));
            if (own.isPresent()) {
                return own;
            }
            LOG.warn("{} target '{}' has no {}; using the {} default", sink, target, name, sink);
        }
        return nonBlank(properties.apply("alerthub." + sink + "." + key));
    }

    /**
     * As {@link #get}, without the warning: for a setting whose absence on a target is a choice (a
     * team on an incoming webhook while the default uses the Web API's bot token).
     */
    public Optional<String> find(String target, String key) {
        Optional<String> own = own(target, key);
        return own.isPresent() ? own : nonBlank(properties.apply("alerthub." + sink + "." + key));
    }

    /** The target's own value, without falling back to the sink's default. */
    public Optional<String> own(String target, String key) {
        if (target == null || target.isBlank()) {
            return Optional.empty();
        }
        return nonBlank(properties.apply("alerthub." + sink + ".targets." + target + "." + key));
    }

    public String sink() {
        return sink;
    }

    private static Optional<String> nonBlank(Optional<String> v) {
        return v.map(String::trim).filter(s -> !s.isEmpty());
    }
}
