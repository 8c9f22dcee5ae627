package dev.alerthub.lifecycle;

import dev.alerthub.alert.Windows;
import dev.alerthub.config.Suggestions;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The named time intervals of {@code time-intervals.yaml}, bound as {@code timeIntervals} so a route
 * can ask {@code timeIntervals.active('business-hours')} in a {@code choice}, and recurring silences
 * can ask whether their window is open. A name is active when any of its entries contains the
 * instant (Alertmanager's rule).
 */
public final class TimeIntervals implements Windows {
    private final Map<String, List<TimeInterval>> byName;
    private final Path source;
    private final Clock clock;

    public TimeIntervals(Map<String, List<TimeInterval>> byName, Path source, Clock clock) {
        this.byName = Map.copyOf(byName);
        this.source = source;
        this.clock = clock;
    }

    /**
     * Loads the file (absent: no intervals). A file with problems refuses to load, naming every
     * problem as {@code file:line: message}: a maintenance window that silently never opens is worse
     * than a hub that says why it did not start.
     */
    public static TimeIntervals load(Path file, Clock clock) {
        TimeIntervalsFile.Parsed parsed = TimeIntervalsFile.read(file);
        if (!parsed.problems().isEmpty()) {
            throw new IllegalArgumentException("time intervals not loaded:\n" + parsed.problems().stream()
                    .map(FileProblem::toString).collect(Collectors.joining("\n")));
        }
        return new TimeIntervals(parsed.intervals(), file, clock);
    }

    /** Whether the named interval is active now. */
    public boolean active(String name) {
        return active(name, clock.instant());
    }

    public boolean active(String name, Instant at) {
        List<TimeInterval> intervals = byName.get(name);
        if (intervals == null) {
            throw new IllegalArgumentException(unknown(name));
        }
        return intervals.stream().anyMatch(i -> i.contains(at));
    }

    /** For recurring silences: open now; a name no longer defined (edited file) is closed. */
    @Override
    public boolean isOpen(String name) {
        return isDefined(name) && active(name, clock.instant());
    }

    @Override
    public boolean isDefined(String name) {
        return byName.containsKey(name);
    }

    public Set<String> names() {
        return byName.keySet();
    }

    /** The message for a name the file does not define (also for a silence naming one). */
    @Override
    public String unknown(String name) {
        return "time interval '" + name + "' is not defined in " + source
                + Suggestions.closest(String.valueOf(name), byName.keySet()).map(n -> " (did you mean '" + n + "'?)")
                .orElse(byName.isEmpty() ? " (it defines none)" : " (defined: " + String.join(", ",
                        byName.keySet().stream().sorted().toList()) + ")");
    }
}
