package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Fingerprints;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestClock;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static dev.alerthub.flow.WebhookToSinksTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * alerthub.escalation.after (15m) on a test clock, through the real routes: the leader's sweep runs
 * every 200 ms of real time, the escalation delay passes only when the test moves the clock.
 */
class EscalationTest {
    static final Map<String, String> SLOW = Map.of("alertname", "SlowCheckout", "severity", "warning",
            "namespace", "shop", "deployment", "checkout");
    static final TestClock CLOCK = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    static HttpStub pagerDuty;
    static HttpStub slack;
    static TestHub hub;

    @BeforeAll
    static void start() {
        pagerDuty = SinkStubs.pagerDuty();
        slack = SinkStubs.slack();
        hub = TestHub.builder().pagerDuty(pagerDuty).slack(slack).bean("clock", CLOCK)
                .property("alerthub.lifecycle.sweep-interval", "200").start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        pagerDuty.close();
        slack.close();
    }

    @BeforeEach
    void clean() {
        hub.reset();
        pagerDuty.clear();
        slack.clear();
        // a few seconds ahead of the store's own clock, which stamps when the hub received a firing
        CLOCK.set(Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.SECONDS));
    }

    @Test
    void aWarningNobodyAcknowledgesIsPagedOnceAfterTheDelayAndResolvedWithIt() {
        Instant startsAt = CLOCK.instant();
        String fp = Fingerprints.of(SLOW);
        post(AlertmanagerWebhook.create().firing(SLOW, Map.of("summary", "checkout p95 over 2s"), startsAt));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 1);
        CLOCK.advance(Duration.ofMinutes(14));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> pagerDuty.requests().isEmpty());

        CLOCK.advance(Duration.ofMinutes(1));

        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);
        JsonNode page = json(pagerDuty.accepted().get(0).body());
        assertThat(page.path("event_action").asText()).isEqualTo("trigger");
        assertThat(page.path("dedup_key").asText()).isEqualTo("escalation:" + fp);
        assertThat(page.path("payload").path("summary").asText()).startsWith("[ESCALATED] SlowCheckout")
                .contains("not acknowledged after 15m");
        CLOCK.advance(Duration.ofMinutes(30));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> pagerDuty.requests().size() == 1);

        post(AlertmanagerWebhook.create().resolved(SLOW, Map.of("summary", "ok"), startsAt, CLOCK.instant()));

        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 2);
        JsonNode resolve = json(pagerDuty.accepted().get(1).body());
        assertThat(resolve.path("event_action").asText()).isEqualTo("resolve");
        assertThat(resolve.path("dedup_key").asText()).isEqualTo("escalation:" + fp);
        assertThat(pagerDuty.violations()).isEmpty();
    }

    @Test
    void aWarningThatStartedLongBeforeTheHubHeardOfItGetsTheWholeDelayBeforeItIsPaged() {
        Instant startsAt = CLOCK.instant().minus(Duration.ofHours(2));
        post(AlertmanagerWebhook.create().firing(SLOW, Map.of("summary", "slow since two hours"), startsAt));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 1);
        CLOCK.advance(Duration.ofMinutes(14));

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> pagerDuty.requests().isEmpty());

        CLOCK.advance(Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);
        assertThat(json(pagerDuty.accepted().get(0).body()).path("dedup_key").asText())
                .isEqualTo("escalation:" + Fingerprints.of(SLOW));
    }

    @Test
    void anAcknowledgedWarningIsNotEscalated() {
        post(AlertmanagerWebhook.create().firing(SLOW, Map.of("summary", "slow"), CLOCK.instant()));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 1);
        assertThat(hub.post("/api/alerts/" + Fingerprints.of(SLOW) + "/ack",
                "{\"by\":\"alice\"}".getBytes(StandardCharsets.UTF_8), "application/json", null).statusCode())
                .isEqualTo(200);

        CLOCK.advance(Duration.ofMinutes(20));

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> pagerDuty.requests().isEmpty());
    }

    @Test
    void aSilencedWarningIsNotEscalatedAndACriticalOneNeverIs() {
        Map<String, String> critical = Map.of("alertname", "DiskFull", "severity", "critical", "instance", "db-1");
        hub.post("/api/silences", ("{\"matchers\":[{\"name\":\"alertname\",\"value\":\"SlowCheckout\",\"isRegex\":false}],"
                + "\"startsAt\":\"" + Instant.now().minusSeconds(60) + "\",\"endsAt\":\"" + Instant.now().plusSeconds(3600)
                + "\",\"createdBy\":\"test\",\"comment\":\"maintenance\"}").getBytes(StandardCharsets.UTF_8),
                "application/json", null);
        post(AlertmanagerWebhook.create().firing(SLOW, Map.of("summary", "slow"), CLOCK.instant())
                .firing(critical, Map.of("summary", "disk"), CLOCK.instant()));
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);

        CLOCK.advance(Duration.ofMinutes(20));

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> pagerDuty.requests().size() == 1);
        assertThat(List.of(json(pagerDuty.accepted().get(0).body()).path("dedup_key").asText()))
                .containsExactly(Fingerprints.of(critical));
    }

    private static void post(AlertmanagerWebhook webhook) {
        assertThat(hub.postWebhook(webhook.bytes()).statusCode()).isEqualTo(200);
    }
}
