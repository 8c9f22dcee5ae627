package dev.alerthub.lifecycle;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.alert.Severity;
import dev.alerthub.store.DigestReads;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Computes the digest's figures for the last N hours from the store, on the hub's clock. */
public class Digests {
    /** A month: the longest window one digest reads. */
    public static final int MAX_HOURS = 24 * 31;
    static final int NOISIEST = 5;
    static final int OLDEST_FIRING = 10;
    static final String NO_TEAM = "(none)";

    private final DigestReads reads;
    private final Clock clock;

    public Digests(DigestReads reads, Clock clock) {
        this.reads = reads;
        this.clock = clock;
    }

    /** The figures of the {@code hours} before now; IllegalArgumentException outside 1..{@value #MAX_HOURS}. */
    public Digest compute(int hours) {
        if (hours < 1 || hours > MAX_HOURS) {
            throw new IllegalArgumentException("hours: " + hours + " is not between 1 and " + MAX_HOURS);
        }
        Instant to = clock.instant();
        return of(reads.read(to.minus(Duration.ofHours(hours)), to), hours);
    }

    static Digest of(DigestReads.Window w, int hours) {
        List<Alert> fired = w.events().stream().map(DigestReads.Event::alert).filter(Alert::isFiring).toList();
        List<Alert> resolved = w.events().stream().map(DigestReads.Event::alert)
                .filter(a -> a.status() == AlertStatus.RESOLVED).toList();
        return new Digest(w.from(), w.to(), hours, counts(fired), counts(resolved), timeToResolve(resolved),
                noisiest(fired), actions(w.actions()), deadLetters(w), stillFiring(w.firing()), w.eventsCut());
    }

    private static Digest.Counts counts(List<Alert> alerts) {
        return new Digest.Counts(alerts.size(), bySeverity(alerts), byCountDescending(alerts, Digests::team));
    }

    static Digest.TimeToResolve timeToResolve(List<Alert> resolved) {
        List<Long> seconds = resolved.stream().filter(a -> a.endsAt() != null && !a.endsAt().isBefore(a.startsAt()))
                .map(a -> Duration.between(a.startsAt(), a.endsAt()).toSeconds()).sorted().toList();
        if (seconds.isEmpty()) {
            return new Digest.TimeToResolve(0, null, null);
        }
        return new Digest.TimeToResolve(seconds.size(), nearestRank(seconds, 50), nearestRank(seconds, 90));
    }

    /** The smallest value with at least p% of the values at or below it (no interpolation: a real alert's time). */
    static long nearestRank(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static List<Digest.Noisy> noisiest(List<Alert> fired) {
        Map<List<String>, Long> byKey = fired.stream().collect(Collectors.groupingBy(
                a -> List.of(a.alertname(), a.labels().getOrDefault("namespace", "")), Collectors.counting()));
        return byKey.entrySet().stream()
                .sorted(Map.Entry.<List<String>, Long>comparingByValue().reversed()
                        .thenComparing(e -> e.getKey().get(0)).thenComparing(e -> e.getKey().get(1)))
                .limit(NOISIEST)
                .map(e -> new Digest.Noisy(e.getKey().get(0), e.getKey().get(1), e.getValue()))
                .toList();
    }

    private static List<Digest.ActionOutcome> actions(List<DigestReads.ActionCount> rows) {
        return rows.stream().map(r -> new Digest.ActionOutcome(r.action(), r.outcome() == null ? "pending" : r.outcome(),
                r.count())).toList();
    }

    private static Digest.DeadLetters deadLetters(DigestReads.Window w) {
        Map<String, Long> bySink = new LinkedHashMap<>();
        w.deadLetters().forEach(d -> bySink.put(d.sink(), d.count()));
        return new Digest.DeadLetters(bySink.values().stream().mapToLong(Long::longValue).sum(), bySink,
                w.deadLettersOpen());
    }

    private static Digest.StillFiring stillFiring(List<Alert> firing) {
        List<Digest.Firing> oldest = new ArrayList<>();
        firing.stream().sorted(Comparator.comparing(Alert::startsAt).thenComparing(Alert::fingerprint))
                .limit(OLDEST_FIRING)
                .forEach(a -> oldest.add(new Digest.Firing(a.fingerprint(), a.alertname(),
                        a.labels().getOrDefault("namespace", ""), a.severity().wire(), a.startsAt())));
        return new Digest.StillFiring(firing.size(), bySeverity(firing), oldest);
    }

    private static Map<String, Long> bySeverity(List<Alert> alerts) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Severity s : Severity.values()) {
            out.put(s.wire(), alerts.stream().filter(a -> a.severity() == s).count());
        }
        return out;
    }

    private static Map<String, Long> byCountDescending(List<Alert> alerts, Function<Alert, String> key) {
        Map<String, Long> counts = alerts.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
        Map<String, Long> out = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry::getKey))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static String team(Alert a) {
        String t = a.labels().get("team");
        return t == null || t.isBlank() ? NO_TEAM : t;
    }
}
