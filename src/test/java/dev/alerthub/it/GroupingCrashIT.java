package dev.alerthub.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.HubProcess;
import dev.alerthub.support.SinkStubs;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Grouping is durable (docs/sinks.md#grouping): the packaged hub is killed (SIGKILL) after it
 * acknowledged a group of 60 warnings and before its Slack message went out; the restarted hub sends
 * the group's message once, with all 60.
 */
class GroupingCrashIT {
    /** Recent, so no escalation or reminder (docs/lifecycle.md) joins in. */
    static final java.time.Instant STARTS_AT = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    @Test
    void aGroupAcknowledgedBeforeAKillIsSentOnceAndWholeAfterRestart() throws Exception {
        Path workDir = Files.createTempDirectory("alerthub-group-crash");
        try (HttpStub slack = SinkStubs.slack()) {
            // Slack is down while the first hub runs: the group's message cannot go out before the kill
            slack.setNormal(HttpStub.Response.of(503, "unavailable"));
            HubProcess first = start(workDir, slack).awaitReady(Duration.ofSeconds(90));
            assertThat(first.postWebhook(group(30)).statusCode()).isEqualTo(200);
            assertThat(first.postWebhook(group(60)).statusCode()).isEqualTo(200);
            first.kill();
            assertThat(slack.accepted()).isEmpty();

            slack.clear();
            slack.setNormal(HttpStub.Response.of(200, "ok"));
            try (HubProcess second = start(workDir, slack).awaitReady(Duration.ofSeconds(90))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> slack.accepted().stream()
                        .anyMatch(r -> text(r.body()).startsWith("[FIRING] 60 alerts (60 firing")));
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(8))
                        .until(() -> slack.requests().size() == 1);
                assertThat(slack.violations()).isEmpty();
            }
        }
    }

    private static HubProcess start(Path workDir, HttpStub slack) {
        return HubProcess.builder().workDir(workDir)
                .property("alerthub.slack.webhook-url", slack.url("/services/T000/B000/XXXX"))
                // slow retries keep the first hub's delivery in flight when it is killed
                .property("alerthub.delivery.initial-delay", "5000")
                .property("alerthub.outbox.lease", "3s")
                .property("alerthub.outbox.recovery-age", "1s")
                .property("alerthub.outbox.poll-interval", "250")
                .start();
    }

    /** One Alertmanager group of {@code size} warnings, sent whole as Alertmanager does. */
    private static byte[] group(int size) {
        List<Map<String, Object>> alerts = IntStream.range(0, size).mapToObj(i -> Map.<String, Object>of(
                "status", "firing",
                "labels", Map.of("alertname", "PodPending", "severity", "warning", "namespace", "ns-" + (i % 3),
                        "pod", "p-" + i),
                "annotations", Map.of("summary", "pod " + i + " pending"),
                "startsAt", STARTS_AT.toString(), "endsAt", "0001-01-01T00:00:00Z",
                "generatorURL", "", "fingerprint", "")).toList();
        return Json.write(Map.of("version", "4", "status", "firing", "receiver", "hub",
                "groupKey", "{}:{alertname=\"PodPending\"}", "alerts", alerts)).getBytes(StandardCharsets.UTF_8);
    }

    private static String text(String body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            return n.path("text").asText();
        } catch (Exception e) {
            throw new AssertionError(body, e);
        }
    }
}
