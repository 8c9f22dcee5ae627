package dev.alerthub.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.alert.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The diagnosis in PagerDuty's custom_details and as a Slack section; without one, both render as before. */
class DiagnosisRenderingTest {
    static final Alert ALERT = Alert.of(AlertStatus.FIRING, Map.of("alertname", "HighErrorRate", "severity", "critical",
            "namespace", "shop", "deployment", "checkout"), Map.of("summary", "errors"),
            Instant.parse("2026-11-23T10:00:00Z"), null, null, "alertmanager");
    static final Map<String, Object> DIAGNOSIS = Map.of(
            "rollouts", List.of(Map.of("revision", 3, "image", "app:3", "age", "5m", "current", true)),
            "summary", List.of("rev 3 app:3 rolled out 5m ago (current, 1/3 ready)", "pod checkout-a not ready: <CrashLoopBackOff>"));

    final PagerDuty pagerDuty = new PagerDuty(new SinkSettings("pagerduty", k -> Optional.empty()), null);
    final Slack slack = new Slack(new SinkSettings("slack", k -> Optional.empty()));

    @Test
    void pagerDutyCarriesTheDiagnosisInCustomDetails() {
        JsonNode event = Json.read(pagerDuty.render(ALERT, DIAGNOSIS), JsonNode.class);
        assertThat(event.at("/payload/custom_details/diagnosis/rollouts/0/image").asText()).isEqualTo("app:3");
        assertThat(event.at("/payload/custom_details/diagnosis/summary/0").asText()).startsWith("rev 3 app:3");
        assertThat(Json.read(pagerDuty.render(ALERT), JsonNode.class).at("/payload/custom_details").has("diagnosis")).isFalse();
        assertThat(pagerDuty.render(ALERT, null)).isEqualTo(pagerDuty.render(ALERT));
    }

    @Test
    void slackShowsTheDiagnosisAsASection() {
        JsonNode msg = Json.read(slack.render(ALERT, DIAGNOSIS), JsonNode.class);
        List<String> sections = msg.path("blocks").findValues("text").stream().map(t -> t.path("text").asText()).toList();
        assertThat(sections).contains("*Diagnosis*\n• rev 3 app:3 rolled out 5m ago (current, 1/3 ready)\n"
                + "• pod checkout-a not ready: &lt;CrashLoopBackOff&gt;");
        assertThat(slack.render(ALERT, Map.of())).isEqualTo(slack.render(ALERT));
    }
}
