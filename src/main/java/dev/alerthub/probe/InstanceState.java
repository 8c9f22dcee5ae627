package dev.alerthub.probe;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * A probe alert instance that is pending or firing (inactive instances are not kept): Prometheus'
 * active alert of a rule, with the times that decide {@code for} and the alert's startsAt.
 *
 * @param activeAt when the condition became true (pending since)
 * @param firedAt  when it started firing; null while pending. The alert's startsAt.
 * @param value    the last sample value (NaN for no data)
 */
public record InstanceState(String fingerprint, State state, Instant activeAt, Instant firedAt,
                            Map<String, String> labels, Map<String, String> annotations, double value) {

    public enum State { PENDING, FIRING }

    public InstanceState {
        labels = Map.copyOf(new TreeMap<>(labels));
        annotations = Map.copyOf(new TreeMap<>(annotations));
    }

    public boolean isFiring() {
        return state == State.FIRING;
    }

    /** Whether storing this instead of other changes anything worth a write. */
    public boolean differsFrom(InstanceState other) {
        return other == null || state != other.state || !activeAt.equals(other.activeAt)
                || !java.util.Objects.equals(firedAt, other.firedAt) || !labels.equals(other.labels)
                || !annotations.equals(other.annotations) || Double.compare(value, other.value) != 0;
    }
}
