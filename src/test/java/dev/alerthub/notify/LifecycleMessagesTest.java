package dev.alerthub.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.alert.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The texts of acknowledgements, reminders and escalations (docs/lifecycle.md). */
class LifecycleMessagesTest {
    static final Instant STARTS = Instant.parse("2026-12-07T18:00:00Z");
    static final Alert SLOW = Alert.of(AlertStatus.FIRING, Map.of("alertname", "SlowCheckout", "severity", "warning",
            "namespace", "shop", "deployment", "checkout"), Map.of("summary", "checkout p95 over 2s"), STARTS, null,
            null, "alertmanager");
    final Slack slack = new Slack(new SinkSettings("slack", k -> Optional.empty()));
    final Email email = new Email(new SinkSettings("email", k -> Optional.empty()), "", 25, "", "", "");
    final PagerDuty pagerDuty = new PagerDuty(new SinkSettings("pagerduty", k -> Optional.empty()), null);

    @Test
    void anAcknowledgedSlackMessageSaysWhoInAContextLineWithTheNameEscaped() {
        JsonNode m = json(slack.render(SLOW, null, "alice <!channel>"));
        assertThat(m.path("blocks").findValuesAsText("text")).anyMatch(t -> t.contains("Acknowledged by alice &lt;!channel&gt;"));
        assertThat(slack.render(SLOW, null, null)).doesNotContain("Acknowledged by");
    }

    @Test
    void aSlackReminderSaysItIsOneAndSinceWhenTheAlertFires() {
        JsonNode m = json(slack.reminder(SLOW, STARTS.plus(Duration.ofHours(4).plusMinutes(1))));
        assertThat(m.path("text").asText()).startsWith("[REMINDER] still firing since 2026-12-07T18:00:00Z (4h1m)");
        assertThat(m.path("blocks").get(0).path("text").path("text").asText()).contains("REMINDER: SlowCheckout");
    }

    @Test
    void anEmailReminderHasAReminderSubjectAndFirstLine() {
        Email.Message m = Json.read(email.reminder(SLOW, STARTS.plus(Duration.ofHours(8))), Email.Message.class);
        assertThat(m.subject()).isEqualTo("[REMINDER] SlowCheckout shop/checkout (warning)");
        assertThat(m.text()).startsWith("Reminder: Still firing since 2026-12-07T18:00:00Z (8h)");
        assertThat(m.html()).contains("<b>Reminder:</b> Still firing since");
    }

    @Test
    void theEscalationPageIsItsOwnIncidentSayingWhy() {
        JsonNode e = json(pagerDuty.escalation(SLOW, "not acknowledged after 15m"));
        assertThat(e.path("event_action").asText()).isEqualTo("trigger");
        assertThat(e.path("dedup_key").asText()).isEqualTo("escalation:" + SLOW.fingerprint());
        assertThat(e.path("payload").path("summary").asText())
                .isEqualTo("[ESCALATED] SlowCheckout shop/checkout: checkout p95 over 2s (not acknowledged after 15m)");
        assertThat(e.path("payload").path("severity").asText()).isEqualTo("error");
        assertThat(json(PagerDuty.event("acknowledge", "abc")).path("event_action").asText()).isEqualTo("acknowledge");
    }

    private static JsonNode json(String s) {
        return Json.read(s, JsonNode.class);
    }
}
