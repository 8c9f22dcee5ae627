package dev.alerthub.alert;

import java.time.Instant;
import java.util.Map;

/**
 * An Alertmanager-style silence: while {@code startsAt <= now < endsAt}, an alert whose labels
 * satisfy every matcher notifies nobody. Its matchers are compiled when the silence is built
 * (created or loaded), never per alert. A recurring silence (a maintenance window) names a
 * {@code timeInterval}; it has no end of its own (until deleted) and mutes only while that
 * interval is active.
 */
public record Silence(String id, Matchers matchers, Instant startsAt, Instant endsAt, String createdBy,
                      String comment, String timeInterval) {
    /** A recurring silence's stored end: it ends only when deleted. */
    public static final Instant OPEN_END = Instant.parse("9999-12-31T00:00:00Z");

    public Silence(String id, Matchers matchers, Instant startsAt, Instant endsAt, String createdBy, String comment) {
        this(id, matchers, startsAt, endsAt, createdBy, comment, null);
    }

    public boolean isRecurring() {
        return timeInterval != null;
    }

    public boolean isActiveAt(Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt);
    }

    public boolean matches(Map<String, String> labels) {
        return matchers.matches(labels);
    }

    /** Alertmanager's words: pending, active or expired (a recurring one between its windows is pending). */
    public String state(Instant now, Windows windows) {
        String state = now.isBefore(startsAt) ? "pending" : now.isBefore(endsAt) ? "active" : "expired";
        return state.equals("active") && isRecurring() && !windows.isOpen(timeInterval) ? "pending" : state;
    }
}
