package dev.alerthub.flow;

import dev.alerthub.alert.Fingerprints;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestClock;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static dev.alerthub.flow.WebhookToSinksTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * alerthub.repeat-interval (4h) on a test clock, through the real routes: no reminder before the
 * interval, one after it, one per interval after that, none once acknowledged.
 */
class ReminderTest {
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
                .property("alerthub.escalation.after", "")
                .property("alerthub.lifecycle.sweep-interval", "200").start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        pagerDuty.close();
        slack.close();
    }

    @Test
    void aFiringAlertIsRemindedOncePerIntervalOnTheSinkItWasNotifiedOnAndNotAfterItsAck() {
        Instant startsAt = CLOCK.instant();
        hub.postWebhook(AlertmanagerWebhook.create().firing(SLOW, Map.of("summary", "checkout is slow"), startsAt).bytes());
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 1);

        CLOCK.advance(Duration.ofHours(3).plusMinutes(59));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> slack.requests().size() == 1);

        CLOCK.advance(Duration.ofMinutes(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 2);
        String reminder = slack.accepted().get(1).body();
        assertThat(json(reminder).path("text").asText()).startsWith("[REMINDER] still firing since " + startsAt)
                .contains("SlowCheckout");
        assertThat(reminder).contains("REMINDER: SlowCheckout");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> slack.requests().size() == 2);

        CLOCK.advance(Duration.ofHours(3));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> slack.requests().size() == 2);
        CLOCK.advance(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 3);
        assertThat(slack.accepted().get(2).body()).contains("[REMINDER]");

        hub.post("/api/alerts/" + Fingerprints.of(SLOW) + "/ack", "{\"by\":\"alice\"}".getBytes(StandardCharsets.UTF_8),
                "application/json", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 4);
        assertThat(slack.accepted().get(3).body()).contains("Acknowledged by alice");
        CLOCK.advance(Duration.ofHours(9));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> slack.requests().size() == 4);
        assertThat(pagerDuty.requests()).as("reminders never page").isEmpty();
        assertThat(slack.violations()).isEmpty();
        assertThat(json(hub.get("/api/notifications?fingerprint=" + Fingerprints.of(SLOW)).body()))
                .filteredOn(a -> a.path("kind").asText().equals("reminder")).hasSize(2);
    }
}
