package dev.alerthub.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.Ports;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The management port as Kubernetes and Prometheus use it: readiness from store and routes,
 * liveness from the context, Prometheus as a detail, and the hub's own alerthub_* series moving as
 * alerts go through.
 */
class HealthAndMetricsTest {
    static HttpStub prometheus;
    static HttpStub pagerDuty;
    static HttpStub slack;
    static TestHub hub;

    @BeforeAll
    static void start() {
        prometheus = new HttpStub(HttpStub.Response.of(200, "Prometheus Server is Ready.\n"), null);
        pagerDuty = SinkStubs.pagerDuty();
        slack = SinkStubs.slack();
        hub = TestHub.builder().pagerDuty(pagerDuty).slack(slack)
                .property("alerthub.prometheus.url", prometheus.url(""))
                .start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        prometheus.close();
        pagerDuty.close();
        slack.close();
    }

    @Test
    void readinessListsStoreRoutesAndPrometheusAndLivenessIsTheContext() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> check(ready(), "prometheus").path("data")
                .path("prometheus.state").asText().equals("ready"));
        JsonNode ready = ready();
        assertThat(ready.path("status").asText()).isEqualTo("UP");
        assertThat(check(ready, "store").path("status").asText()).isEqualTo("UP");
        assertThat(check(ready, "routes").path("status").asText()).isEqualTo("UP");
        assertThat(check(ready, "context").path("status").asText()).isEqualTo("UP");
        assertThat(prometheus.requests()).isNotEmpty().allMatch(r -> r.path().equals("/-/ready"));

        var live = hub.get(hub.managementUrl("/observe/health/live?exposureLevel=full"));
        assertThat(live.statusCode()).isEqualTo(200);
        JsonNode liveJson = Json.MAPPER.readTree(live.body());
        assertThat(check(liveJson, "context").path("status").asText()).isEqualTo("UP");
        assertThat(check(liveJson, "store").isMissingNode()).isTrue();
    }

    @Test
    void prometheusDownIsADetailAndTheHubStaysReady() throws Exception {
        int closed = Ports.free();
        PrometheusHealthCheck check = new PrometheusHealthCheck("http://127.0.0.1:" + closed);
        await().atMost(Duration.ofSeconds(10)).until(() -> "unreachable".equals(check.call().getDetails().get("prometheus.state")));
        var result = check.call();
        assertThat(result.getState().name()).isEqualTo("UP");
        assertThat(result.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("not reachable"));
        assertThat(result.getDetails()).containsKey("prometheus.error");
    }

    @Test
    void jolokiaIsOffByDefault() {
        assertThat(hub.get(hub.managementUrl("/observe/jolokia/version")).statusCode()).isEqualTo(404);
    }

    @Test
    void theAlerthubSeriesMoveAsAlertsGoThrough() throws Exception {
        hub.reset();
        double received = metric("alerthub_alerts_received_total{severity=\"critical\",source=\"alertmanager\",status=\"firing\"}");
        double paged = metric("alerthub_notifications_total{outcome=\"sent\",sink=\"pagerduty\"}");
        double ok = metric("alerthub_webhook_request_seconds_count{source=\"alertmanager\",status=\"200\"}");
        double bad = metric("alerthub_webhook_request_seconds_count{source=\"alertmanager\",status=\"400\"}");

        assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-critical")).statusCode()).isEqualTo(200);
        assertThat(hub.postWebhook("{\"version\":\"4\"".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(metric("alerthub_alerts_received_total{severity=\"critical\",source=\"alertmanager\",status=\"firing\"}"))
                    .isEqualTo(received + 1);
            assertThat(metric("alerthub_notifications_total{outcome=\"sent\",sink=\"pagerduty\"}")).isEqualTo(paged + 1);
            assertThat(metric("alerthub_webhook_request_seconds_count{source=\"alertmanager\",status=\"200\"}")).isEqualTo(ok + 1);
            assertThat(metric("alerthub_webhook_request_seconds_count{source=\"alertmanager\",status=\"400\"}")).isEqualTo(bad + 1);
        });
        String text = hub.get(hub.managementUrl("/observe/metrics")).body();
        assertThat(text).contains("alerthub_webhook_request_seconds_bucket{source=\"alertmanager\",status=\"200\",le=")
                .contains("alerthub_outbox_depth ")
                .contains("alerthub_outbox_oldest_age_seconds ")
                .contains("alerthub_deliveries_pending{sink=\"pagerduty\"} 0.0")
                .contains("alerthub_dead_letters ")
                .contains("alerthub_cluster_leader ");
    }

    static JsonNode ready() throws Exception {
        var r = hub.get(hub.managementUrl("/observe/health/ready?exposureLevel=full&data=true"));
        return Json.MAPPER.readTree(r.body());
    }

    static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.path("checks")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static double metric(String series) {
        return hub.get(hub.managementUrl("/observe/metrics")).body().lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0);
    }
}
