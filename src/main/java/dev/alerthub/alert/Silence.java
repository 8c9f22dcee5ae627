package dev.alerthub.alert;

import java.time.Instant;
import java.util.Map;

/**
 * An Alertmanager-style silence: while {@code startsAt <= now < endsAt}, an alert whose labels
 * satisfy every matcher notifies nobody. Its matchers are compiled when the silence is built
 * (created or loaded), never per alert.
 */
public record Silence(String id, Matchers matchers, Instant startsAt, Instant endsAt, String createdBy,
                      String comment) {

    public boolean isActiveAt(Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt);
    }

    public boolean matches(Map<String, String> labels) {
        return matchers.matches(labels);
    }

    /** Alertmanager's words: pending, active or expired. */
    public String state(Instant now) {
        return now.isBefore(startsAt) ? "pending" : now.isBefore(endsAt) ? "active" : "expired";
    }
}
