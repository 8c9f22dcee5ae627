package dev.alerthub.probe;

import dev.alerthub.alert.Alert;

import java.util.List;

/**
 * The outcome of one evaluation: what to store about instances, and what to send.
 *
 * @param upserts  instances now pending or firing whose stored row changes
 * @param dropped  pending instances whose condition went away: forgotten without a word
 * @param alerts   firing instances (re-sent every evaluation, the store ignores unchanged ones)
 *                 and instances that just resolved
 * @param resolved fingerprints of the resolved instances, forgotten once their alert is stored
 * @param failure  why the probe could not be evaluated, or null
 */
public record Round(List<InstanceState> upserts, List<String> dropped, List<Alert> alerts, List<String> resolved,
                    String failure) {
    public Round {
        upserts = List.copyOf(upserts);
        dropped = List.copyOf(dropped);
        alerts = List.copyOf(alerts);
        resolved = List.copyOf(resolved);
    }

    public long firing() {
        return alerts.stream().filter(Alert::isFiring).count();
    }
}
