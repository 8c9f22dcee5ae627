package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The fingerprint is the labels' (as Alertmanager computes it); the payload's own field is not trusted. */
class ForgedFingerprintTest {
    private static final String CRITICAL = "4cde567b6413872d";

    @Test
    void aForgedResolveWithAnotherAlertsFingerprintDoesNotResolveThatAlertOrItsIncident() throws Exception {
        try (HttpStub pagerDuty = SinkStubs.pagerDuty();
             TestHub hub = TestHub.builder().pagerDuty(pagerDuty).start()) {
            assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-critical")).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> events(pagerDuty, "trigger", CRITICAL) == 1);

            // someone else's labels, claiming the critical alert's fingerprint
            ObjectNode forged = (ObjectNode) Json.MAPPER.readTree(AlertmanagerWebhook.create()
                    .resolved(Map.of("alertname", "Harmless", "severity", "critical"), Map.of(),
                            Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-01T10:05:00Z")).bytes());
            ((ObjectNode) forged.path("alerts").get(0)).put("fingerprint", CRITICAL);
            assertThat(hub.postWebhook(forged.toString().getBytes()).statusCode()).isEqualTo(200);

            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                    .until(() -> events(pagerDuty, "resolve", CRITICAL) == 0);
            JsonNode firing = Json.MAPPER.readTree(hub.get("/api/alerts?status=firing").body());
            assertThat(firing.findValuesAsText("fingerprint")).as("the critical alert still fires").contains(CRITICAL);
        }
    }

    static long events(HttpStub pagerDuty, String action, String dedupKey) {
        return pagerDuty.accepted().stream().map(r -> {
            try {
                return Json.MAPPER.readTree(r.body());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(e -> e.path("event_action").asText().equals(action)
                && e.path("dedup_key").asText().equals(dedupKey)).count();
    }
}
