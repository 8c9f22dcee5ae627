package dev.alerthub.alert;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One of Alertmanager's {@code inhibit_rules}: while an alert matching {@code source} fires, alerts
 * matching {@code target} whose {@code equal} labels have the same values (a label missing on both
 * counts as equal, as in Alertmanager) notify nobody. An alert never inhibits itself, and, as in
 * Alertmanager, when a target also matches the source side it is not inhibited by sources that
 * also match the target side (two such alerts would otherwise silence each other).
 */
public record InhibitRule(String name, Matchers source, Matchers target, List<String> equal) {

    public InhibitRule {
        Objects.requireNonNull(name, "name");
        equal = List.copyOf(equal);
    }

    public boolean isTarget(Map<String, String> labels) {
        return target.matches(labels);
    }

    /** Whether a firing alert with {@code sourceLabels} inhibits one with {@code targetLabels} by this rule. */
    public boolean inhibits(Map<String, String> sourceLabels, Map<String, String> targetLabels) {
        if (sourceLabels.equals(targetLabels) || !target.matches(targetLabels) || !source.matches(sourceLabels)) {
            return false;
        }
        for (String label : equal) {
            if (!sourceLabels.getOrDefault(label, "").equals(targetLabels.getOrDefault(label, ""))) {
                return false;
            }
        }
        return !(source.matches(targetLabels) && target.matches(sourceLabels));
    }
}
