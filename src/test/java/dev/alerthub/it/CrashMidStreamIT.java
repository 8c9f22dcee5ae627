package dev.alerthub.it;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.AlertmanagerProcess;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.HubProcess;
import dev.alerthub.support.Ports;
import dev.alerthub.support.SinkStubs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real Alertmanager streams 1,000 alerts to the packaged jar, which is SIGKILLed mid-stream and
 * restarted on the same port and data folder: every alert is paged, no dead letters, and the
 * restarted hub takes back what its previous incarnation held at once instead of waiting out the
 * one-minute lease. Sends that had reached PagerDuty when the kill came (at most one per
 * PagerDuty worker) may be repeated with the same dedup_key, which PagerDuty folds into the same
 * incident: per dedup_key, one incident.
 */
class CrashMidStreamIT {
    static final int ALERTS = 1000;
    static final int BATCHES = 10;
    static final int PAGERDUTY_WORKERS = 4;

    @Test
    void everyAlertAlertmanagerStreamedIsPagedOnceAcrossAKillAndRestart() throws Exception {
        Path workDir = Files.createTempDirectory("alerthub-midstream");
        int port = Ports.free();
        try (HttpStub pagerDuty = SinkStubs.pagerDuty();
             AlertmanagerProcess am = AlertmanagerProcess.start(config("http://127.0.0.1:" + port + "/webhooks/alertmanager"))) {
            HubProcess first = start(workDir, port, pagerDuty).awaitReady(Duration.ofSeconds(120));
            Instant startsAt = Instant.now().minusSeconds(60);
            for (int b = 0; b < BATCHES / 2; b++) {
                am.postAlerts(batch(b, startsAt));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> pagerDuty.accepted().size() >= 50);
            first.kill();
            Instant killedAt = Instant.now();
            int pagedBeforeKill = pagerDuty.accepted().size();
            for (int b = BATCHES / 2; b < BATCHES; b++) {
                am.postAlerts(batch(b, startsAt));
            }

            try (HubProcess second = start(workDir, port, pagerDuty).awaitReady(Duration.ofSeconds(120))) {
                Instant ready = Instant.now();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> perDedupKey(pagerDuty).size() >= ALERTS);
                Duration drained = Duration.between(ready, Instant.now());
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                        .until(() -> perDedupKey(pagerDuty).size() == ALERTS);

                Map<String, Long> pages = perDedupKey(pagerDuty);
                assertThat(pages).as("one incident per alert Alertmanager delivered").hasSize(ALERTS);
                Map<String, Long> repeated = pages.entrySet().stream().filter(e -> e.getValue() > 1)
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
                assertThat(repeated).as("only sends in flight at the kill are repeated, once")
                        .hasSizeLessThanOrEqualTo(PAGERDUTY_WORKERS).allSatisfy((k, n) -> assertThat(n).isEqualTo(2));
                repeated.keySet().forEach(key -> assertThat(pagerDuty.accepted().stream()
                        .filter(r -> dedupKey(r.body()).equals(key)).map(HttpStub.Request::at).min(Instant::compareTo)
                        .orElseThrow()).as("%s was first paged before the kill", key).isBefore(killedAt));
                assertThat(drained).as("no wait for the 1-minute leases of the killed hub (took back at once)")
                        .isLessThan(Duration.ofSeconds(45));
                assertThat(second.get(second.url("/api/dead-letters")).body()).isEqualTo("[]");
                assertThat(pagerDuty.violations()).isEmpty();
                System.out.printf("crash mid-stream: %d paged before the kill, %d after; %d repeated; drained %s after "
                        + "restart%n", pagedBeforeKill, pagerDuty.accepted().size() - pagedBeforeKill, repeated.size(),
                        drained);
            }
        }
    }

    private static HubProcess start(Path workDir, int port, HttpStub pagerDuty) {
        return HubProcess.builder().workDir(workDir).port(port)
                .property("alerthub.pagerduty.url", pagerDuty.url("/v2/enqueue"))
                .property("alerthub.pagerduty.routing-key", "midstream-key")
                // this test is about the crash, not PagerDuty's 120/min: 1,000 pages would take 8 minutes
                .property("alerthub.delivery.pagerduty-per-minute", "0")
                .property("alerthub.outbox.poll-interval", "500")
                .property("alerthub.outbox.recovery-age", "1s")
                .start();
    }

    /** 100 alerts in 10 groups (alertname), as Prometheus would post them to Alertmanager. */
    static String batch(int b, Instant startsAt) {
        ArrayNode alerts = Json.MAPPER.createArrayNode();
        for (int i = 0; i < ALERTS / BATCHES; i++) {
            ObjectNode a = alerts.addObject();
            a.putObject("labels").put("alertname", "Stream" + b + "g" + (i % 10)).put("instance", "i" + b + "-" + i)
                    .put("severity", "critical").put("namespace", "shop");
            a.putObject("annotations").put("summary", "stream alert " + b + "/" + i);
            a.put("startsAt", startsAt.toString());
            a.put("generatorURL", "http://prometheus:9090/graph");
        }
        return alerts.toString();
    }

    static String config(String url) {
        return """
                route:
                  receiver: hub
                  group_by: ['alertname']
                  group_wait: 0s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: hub
                    webhook_configs:
                      - url: %s
                        send_resolved: true
                        max_alerts: 0
                """.formatted(url);
    }

    static Map<String, Long> perDedupKey(HttpStub pagerDuty) {
        return pagerDuty.accepted().stream().collect(Collectors.groupingBy(r -> dedupKey(r.body()), Collectors.counting()));
    }

    static String dedupKey(String body) {
        try {
            return Json.MAPPER.readTree(body).path("dedup_key").asText();
        } catch (Exception e) {
            throw new AssertionError(body, e);
        }
    }
}
