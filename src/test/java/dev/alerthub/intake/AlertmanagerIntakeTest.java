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
            "bad label name             |{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a-b\":\"x\"},\"startsAt\":\"2026-01-01T00:00:00Z\"}]}|alerts[0].labels: 'a-b' is not a valid label name",
            "missing startsAt           |{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":\"b\"}}]}|alerts[0].startsAt: missing",
            "bad endsAt                 |{\"version\":\"4\",\"alerts\":[{\"status\":\"resolved\",\"labels\":{\"a\":\"b\"},\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"yesterday\"}]}|alerts[0].endsAt: 'yesterday' is not an RFC 3339 time",
            "null alert                 |{\"version\":\"4\",\"alerts\":[null]}|alerts[0]: is null"})
    void badPayloadsAreRefusedNamingTheField(String why, String body, String message) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> intake.parse(bytes))
                .isInstanceOfSatisfying(HttpProblem.class, p -> assertThat(p.status()).isEqualTo(400))
                .hasMessageContaining(message);
    }
}
