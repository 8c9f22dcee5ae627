package dev.alerthub.probe;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The last outcome of every probe, in memory: for the health check, the read API and the log. */
public class ProbeStatusBoard {

    /**
     * @param failingSince when the probe started failing, null while it works
     * @param lastError    the last failure's reason, null while it works
     */
    public record Status(Instant lastEvaluatedAt, String lastError, Instant failingSince) {
    }

    private final Map<String, Status> statuses = new ConcurrentHashMap<>();

    /** Records an evaluation; returns the previous status (null the first time). */
    public Status record(String probeId, Instant at, String error) {
        Status prev = statuses.get(probeId);
        Instant since = error == null ? null : prev != null && prev.failingSince() != null ? prev.failingSince() : at;
        statuses.put(probeId, new Status(at, error, since));
        return prev;
    }

    public Status get(String probeId) {
        return statuses.get(probeId);
    }

    /** Failing probes and why, by id. */
    public Map<String, Status> failing() {
        Map<String, Status> out = new LinkedHashMap<>();
        statuses.entrySet().stream().filter(e -> e.getValue().failingSince() != null)
                .sorted(Map.Entry.comparingByKey()).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    public void forget(String probeId) {
        statuses.remove(probeId);
    }
}
