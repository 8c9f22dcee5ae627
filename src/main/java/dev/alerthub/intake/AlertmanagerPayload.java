package dev.alerthub.intake;

import java.util.List;
import java.util.Map;

/**
 * Alertmanager's webhook body, version 4, as it arrives. Times stay strings here so that a bad one
 * can be reported by field name; {@link AlertmanagerIntake} turns this into canonical alerts.
 */
public record AlertmanagerPayload(
        String version,
        String groupKey,
        Integer truncatedAlerts,
        String status,
        String receiver,
        Map<String, String> groupLabels,
        Map<String, String> commonLabels,
        Map<String, String> commonAnnotations,
        String externalURL,
        List<Entry> alerts) {

    public record Entry(
            String status,
            Map<String, String> labels,
            Map<String, String> annotations,
            String startsAt,
            String endsAt,
            String generatorURL,
            String fingerprint) {
    }
}
