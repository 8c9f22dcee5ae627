package dev.alerthub.intake;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.alert.Severity;
import dev.alerthub.support.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlertmanagerIntakeTest {
    private final AlertmanagerIntake intake = new AlertmanagerIntake();

    @ParameterizedTest
    @ValueSource(strings = {"webhook-firing-critical", "webhook-firing-warning", "webhook-firing-info",
            "webhook-firing-warning-2-alerts", "webhook-truncated", "webhook-resolved", "webhook-mixed",
            "webhook-truncated-mixed", "webhook-resolved-warning", "webhook-resolved-info",
            "webhook-resolved-critical-2-alerts", "webhook-truncated-firing-startsat-in-past",
            "webhook-truncated-resolved", "webhook-prometheus-originated"})
    void everyCapturedWebhookParses(String fixture) {
        AlertmanagerIntake.Batch batch = intake.parse(Fixtures.webhook(fixture));
        assertThat(batch.alerts()).isNotEmpty();
        for (Alert a : batch.alerts()) {
            assertThat(a.fingerprint()).matches("[0-9a-f]{16}");
            assertThat(a.source()).isEqualTo("alertmanager");
            assertThat(a.alertname()).isNotBlank();
            if (a.isFiring()) {
                assertThat(a.endsAt()).as("Go's zero time means not set").isNull();
            } else {
                assertThat(a.endsAt()).isAfter(a.startsAt());
            }
        }
    }

    @Test
    void firingCriticalCarriesLabelsAnnotationsAndNanosecondStart() {
        Alert a = intake.parse(Fixtures.webhook("webhook-firing-critical")).alerts().get(0);
        assertThat(a.status()).isEqualTo(AlertStatus.FIRING);
        assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(a.alertname()).isEqualTo("HighErrorRate");
        assertThat(a.target()).isEqualTo("shop/checkout");
        assertThat(a.annotation("runbook_url")).startsWith("https://runbooks.example.com/");
        assertThat(a.startsAt().getNano() % 1000).as("nanoseconds kept").isNotZero();
        assertThat(a.generatorURL()).startsWith("http://127.0.0.1:19090/graph");
    }

    @Test
    void truncatedGroupsAreAcceptedAndCounted() {
        AlertmanagerIntake.Batch batch = intake.parse(Fixtures.webhook("webhook-truncated-mixed"));
        assertThat(batch.truncatedAlerts()).isEqualTo(1);
        assertThat(batch.alerts()).extracting(Alert::status)
                .containsExactly(AlertStatus.RESOLVED, AlertStatus.FIRING);
    }

    @Test
    void resolvedAlertHasItsEnd() {
        Alert a = intake.parse(Fixtures.webhook("webhook-resolved")).alerts().get(0);
        assertThat(a.status()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(a.endsAt()).isAfter(Instant.parse("2026-11-22T00:00:00Z"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty body                 ||body is empty",
            "not JSON                   |{\"version\":\"4\",|malformed JSON at line 1",
            "trailing garbage           |{\"version\":\"4\",\"alerts\":[]} x|malformed JSON",
            "array instead of object    |[1,2]|body: expected an object",
            "missing version            |{\"alerts\":[]}|version: missing",
            "wrong version              |{\"version\":\"3\",\"alerts\":[]}|version: \"3\" is not supported",
            "missing alerts             |{\"version\":\"4\"}|alerts: missing",
            "alerts not an array        |{\"version\":\"4\",\"alerts\":{}}|alerts: expected an array",
            "bad status                 |{\"version\":\"4\",\"alerts\":[{\"status\":\"open\",\"labels\":{\"a\":\"b\"},\"startsAt\":\"2026-01-01T00:00:00Z\"}]}|alerts[0].status: status 'open'",
            "no labels                  |{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{},\"startsAt\":\"2026-01-01T00:00:00Z\"}]}|alerts[0].labels: missing or empty",
            "label value object         |{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":{}},\"startsAt\":\"2026-01-01T00:00:00Z\"}]}|alerts[0].labels.a: expected a string",
            "control char in label name |{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\\nb\":\"x\"},\"startsAt\":\"2026-01-01T00:00:00Z\"}]}|alerts[0].labels: name 'a\\u000Ab' contains the control character U+000A",
            "empty label name           |{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"\":\"x\"},\"startsAt\":\"2026-01-01T00:00:00Z\"}]}|alerts[0].labels: a name is empty",
            "NUL in a label value       |{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":\"x\\u0000\"},\"startsAt\":\"2026-01-01T00:00:00Z\"}]}|alerts[0].labels.a: contains a NUL character at 1",
            "unpaired surrogate         |{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":\"b\"},\"annotations\":{\"s\":\"\\ud800x\"},\"startsAt\":\"2026-01-01T00:00:00Z\"}]}|alerts[0].annotations.s: contains an unpaired surrogate U+D800 at 0",
            "missing startsAt           |{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":\"b\"}}]}|alerts[0].startsAt: missing",
            "bad endsAt                 |{\"version\":\"4\",\"alerts\":[{\"status\":\"resolved\",\"labels\":{\"a\":\"b\"},\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"yesterday\"}]}|alerts[0].endsAt: 'yesterday' is not an RFC 3339 time",
            "null alert                 |{\"version\":\"4\",\"alerts\":[null]}|alerts[0]: is null"})
    void badPayloadsAreRefusedNamingTheField(String why, String body, String message) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> intake.parse(bytes))
                .isInstanceOfSatisfying(HttpProblem.class, p -> assertThat(p.status()).isEqualTo(400))
                .hasMessageContaining(message);
    }

    private static final String ALERT = "{\"status\":\"firing\",\"labels\":%s,\"annotations\":%s,"
            + "\"startsAt\":\"2026-01-01T00:00:00Z\",\"generatorURL\":\"%s\"}";

    private static byte[] webhook(String... alerts) {
        return ("{\"version\":\"4\",\"alerts\":[" + String.join(",", alerts) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    private static String alert(Map<String, String> labels, Map<String, String> annotations, String url) {
        return ALERT.formatted(dev.alerthub.alert.Json.write(labels), dev.alerthub.alert.Json.write(annotations), url);
    }

    private static Map<String, String> many(String prefix, int n, String value) {
        Map<String, String> m = new java.util.TreeMap<>();
        m.put("alertname", "A");
        for (int i = 1; i < n; i++) {
            m.put(prefix + i, value);
        }
        return m;
    }

    @Test
    void everyLimitIsA400NamingTheAlertTheFieldAndTheSetting() {
        IntakeLimits small = new IntakeLimits(2, 3, 10, 20, 2, 30);
        AlertmanagerIntake limited = new AlertmanagerIntake(small);
        String ok = alert(Map.of("alertname", "A"), Map.of(), "http://p/g");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(String.join(",", ok, ok, ok),
                "alerts: 3 alerts, at most 2 (alerthub.webhook.limits.alerts-per-request)");
        cases.put(alert(many("l", 4, "v"), Map.of(), "u"),
                "alerts[0].labels: 4 entries, at most 3 (alerthub.webhook.limits.labels-per-alert)");
        cases.put(alert(Map.of("alertname", "A", "n".repeat(11), "v"), Map.of(), "u"),
                "alerts[0].labels: name of 11 characters, at most 10 (alerthub.webhook.limits.label-name-length)");
        cases.put(alert(Map.of("alertname", "x".repeat(21)), Map.of(), "u"),
                "alerts[0].labels.alertname: 21 characters, at most 20 (alerthub.webhook.limits.label-value-length)");
        cases.put(alert(Map.of("alertname", "A"), many("a", 3, "v"), "u"),
                "alerts[0].annotations: 3 entries, at most 2 (alerthub.webhook.limits.annotations-per-alert)");
        cases.put(alert(Map.of("alertname", "A"), Map.of("d", "y".repeat(31)), "u"),
                "alerts[0].annotations.d: 31 characters, at most 30 (alerthub.webhook.limits.annotation-value-length)");
        cases.put(ok + "," + alert(Map.of("alertname", "A"), Map.of(), "h".repeat(31)),
                "alerts[1].generatorURL: 31 characters, at most 30 (alerthub.webhook.limits.annotation-value-length)");
        cases.forEach((alerts, message) -> assertThatThrownBy(() -> limited.parse(webhook(alerts)))
                .isInstanceOfSatisfying(HttpProblem.class, p -> assertThat(p.status()).isEqualTo(400))
                .hasMessage(message));
        assertThat(limited.parse(webhook(ok, alert(many("l", 3, "v".repeat(20)), many("a", 2, "y".repeat(30)),
                "h".repeat(30)))).alerts()).as("exactly at every limit").hasSize(2);
    }

    @Test
    void theDefaultLimitsLeaveEveryCapturedWebhookAlone() {
        for (String fixture : new String[] {"webhook-mixed", "webhook-truncated-mixed", "webhook-prometheus-originated",
                "webhook-firing-warning-2-alerts", "webhook-resolved-critical-2-alerts"}) {
            assertThat(intake.parse(Fixtures.webhook(fixture)).alerts()).isNotEmpty();
        }
    }

    @Test
    void alertmanagersUtf8LabelNamesAreAccepted() {
        Alert a = intake.parse(webhook(alert(Map.of("alertname", "A", "k8s.namespace.name", "shop",
                "\u00e9quipe", "caf\u00e9"), Map.of(), "u"))).alerts().get(0);
        assertThat(a.label("k8s.namespace.name")).isEqualTo("shop");
        assertThat(a.fingerprint()).isEqualTo(dev.alerthub.alert.Fingerprints.of(a.labels()));
    }

    @Test
    void thePayloadsFingerprintIsIgnoredForTheLabelsOwn() {
        String forged = "{\"version\":\"4\",\"alerts\":[{\"status\":\"resolved\",\"labels\":{\"alertname\":\"B\"},"
                + "\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"2026-01-01T00:05:00Z\","
                + "\"fingerprint\":\"4cde567b6413872d\"}]}";
        Alert a = intake.parse(forged.getBytes(StandardCharsets.UTF_8)).alerts().get(0);
        assertThat(a.fingerprint()).isEqualTo(dev.alerthub.alert.Fingerprints.of(Map.of("alertname", "B")))
                .isNotEqualTo("4cde567b6413872d");
    }
}
