package dev.alerthub.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.HubProcess;
import dev.alerthub.support.SinkStubs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * "Acknowledged means stored": the hub is killed (SIGKILL) right after answering 200, before it
 * could deliver anything; the restarted hub delivers every acknowledged alert, once.
 */
class CrashRecoveryIT {

    @Test
    void alertsAcknowledgedBeforeAKillAreDeliveredOnceAfterRestart() throws Exception {
        Path workDir = Files.createTempDirectory("alerthub-crash");
        try (HttpStub pagerDuty = SinkStubs.pagerDuty()) {
            // PagerDuty is down while the first hub runs: nothing can be delivered before the kill
            pagerDuty.setNormal(HttpStub.Response.of(503, "unavailable"));
            HubProcess first = start(workDir, pagerDuty).awaitReady(Duration.ofSeconds(90));
            Set<String> acknowledged = new TreeSet<>();
            for (String fixture : new String[] {"webhook-firing-critical", "webhook-truncated",
                    "webhook-truncated-firing-startsat-in-past"}) {
                assertThat(first.postWebhook(Fixtures.webhook(fixture)).statusCode()).isEqualTo(200);
                for (JsonNode a : Json.MAPPER.readTree(Fixtures.webhook(fixture)).path("alerts")) {
                    acknowledged.add(a.path("fingerprint").asText());
                }
            }
            first.kill();
            assertThat(pagerDuty.accepted()).isEmpty();
            assertThat(acknowledged).hasSize(5);

            pagerDuty.clear();
            pagerDuty.setNormal(HttpStub.Response.of(202, "{\"status\":\"success\"}"));
            try (HubProcess second = start(workDir, pagerDuty).awaitReady(Duration.ofSeconds(90))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> pagerDuty.accepted().size() >= 5);
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                        .until(() -> pagerDuty.accepted().size() == 5);
                Set<String> paged = new TreeSet<>();
                pagerDuty.accepted().forEach(r -> paged.add(readDedupKey(r.body())));
                assertThat(paged).isEqualTo(acknowledged);
                assertThat(pagerDuty.violations()).isEmpty();
            }
        }
    }

    private static HubProcess start(Path workDir, HttpStub pagerDuty) {
        return HubProcess.builder().workDir(workDir)
                .property("alerthub.pagerduty.url", pagerDuty.url("/v2/enqueue"))
                .property("alerthub.pagerduty.routing-key", "crash-test-key")
                // slow retries keep the first hub's deliveries in flight when it is killed
                .property("alerthub.delivery.initial-delay", "5000")
                .property("alerthub.outbox.lease", "3s")
                .property("alerthub.outbox.recovery-age", "1s")
                .property("alerthub.outbox.poll-interval", "250")
                .start();
    }

    private static String readDedupKey(String body) {
        try {
            return Json.MAPPER.readTree(body).path("dedup_key").asText();
        } catch (Exception e) {
            throw new AssertionError(body, e);
        }
    }
}
