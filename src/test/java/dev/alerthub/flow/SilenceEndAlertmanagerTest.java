package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Fingerprints;
import dev.alerthub.alert.Json;
import dev.alerthub.support.AlertmanagerProcess;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.alerthub.flow.WebhookToSinksTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fault test: silences in the hub, alerts from the real Alertmanager, which re-sends every group
 * each group_interval (1 s here) for as long as its alerts fire. Each test uses its own alert name,
 * so the shared Alertmanager's groups do not meet.
 */
class SilenceEndAlertmanagerTest {
    static HttpStub pagerDuty;
    static TestHub hub;
    static AlertmanagerProcess am;

    @BeforeAll
    static void start() {
        pagerDuty = SinkStubs.pagerDuty();
        hub = TestHub.builder().pagerDuty(pagerDuty).property("alerthub.webhook.token", AlertmanagerEndToEndTest.TOKEN)
                .property("alerthub.silences.sweep-interval", "200").start();
        am = AlertmanagerProcess.start(AlertmanagerEndToEndTest.config(hub.url("/webhooks/alertmanager")));
    }

    @AfterAll
    static void stop() {
        am.close();
        hub.close();
        pagerDuty.close();
    }

    @Test
    void anAlertMutedInTheHubIsPagedOnceWhenItsSilenceIsDeletedWhileAlertmanagerKeepsResending() {
        Map<String, String> labels = labels("DiskFullMuted");
        String silence = silence("DiskFullMuted");
        am.postAlerts(firing(labels));
        awaitStored(labels, "firing");
        // Alertmanager re-sends the group every second: still nobody is paged while the silence holds
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> requestsFor(labels).isEmpty());

        assertThat(hub.delete("/api/silences/" + silence).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> requestsFor(labels).size() == 1);
        assertThat(requestsFor(labels).get(0).path("event_action").asText()).isEqualTo("trigger");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> requestsFor(labels).size() == 1);
        assertThat(pagerDuty.violations()).isEmpty();
    }

    @Test
    void theResolveOfAPagedAlertIsDeliveredEvenThoughASilenceMatchesItNow() {
        Map<String, String> labels = labels("DiskFullPaged");
        am.postAlerts(firing(labels));
        await().atMost(Duration.ofSeconds(10)).until(() -> requestsFor(labels).size() == 1);
        silence("DiskFullPaged");

        am.postAlerts(resolved(labels));
        await().atMost(Duration.ofSeconds(10)).until(() -> requestsFor(labels).size() == 2);
        JsonNode trigger = requestsFor(labels).get(0);
        JsonNode resolve = requestsFor(labels).get(1);
        assertThat(resolve.path("event_action").asText()).isEqualTo("resolve");
        assertThat(resolve.path("dedup_key").asText()).isEqualTo(trigger.path("dedup_key").asText());
    }

    @Test
    void anAlertSilencedThroughoutItsLifeNotifiesNobodyOfItsResolve() {
        Map<String, String> labels = labels("DiskFullQuiet");
        silence("DiskFullQuiet");
        am.postAlerts(firing(labels));
        awaitStored(labels, "firing");
        am.postAlerts(resolved(labels));
        awaitStored(labels, "resolved");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> requestsFor(labels).isEmpty());
    }

    static Map<String, String> labels(String alertname) {
        return Map.of("alertname", alertname, "severity", "critical", "namespace", "shop", "instance", "db-1");
    }

    static String firing(Map<String, String> labels) {
        return "[" + Json.write(Map.of("labels", labels, "annotations", Map.of("summary", "disk full"))) + "]";
    }

    static String resolved(Map<String, String> labels) {
        return "[" + Json.write(Map.of("labels", labels, "annotations", Map.of("summary", "disk full"),
                "endsAt", Instant.now().minusSeconds(1).toString())) + "]";
    }

    /** The PagerDuty events (accepted or not) about this alert. */
    static List<JsonNode> requestsFor(Map<String, String> labels) {
        String key = Fingerprints.of(labels);
        return pagerDuty.requests().stream().map(r -> json(r.body()))
                .filter(e -> e.path("dedup_key").asText().equals(key)).toList();
    }

    static void awaitStored(Map<String, String> labels, String status) {
        String fingerprint = Fingerprints.of(labels);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (JsonNode a : json(hub.get("/api/alerts").body())) {
                if (a.path("fingerprint").asText().equals(fingerprint)) {
                    return a.path("status").asText().equals(status);
                }
            }
            return false;
        });
    }

    static String silence(String alertname) {
        String body = """
                {"matchers":[{"name":"alertname","value":"%s"}],"endsAt":"%s","createdBy":"sre","comment":"disk swap"}"""
                .formatted(alertname, Instant.now().plusSeconds(3600));
        HttpResponse<String> r = hub.post("/api/silences", body.getBytes(StandardCharsets.UTF_8), "application/json",
                null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body()).path("silenceID").asText();
    }
}
