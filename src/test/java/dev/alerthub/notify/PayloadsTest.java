package dev.alerthub.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.alert.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What each sink renders, independent of any route. */
class PayloadsTest {
    static final Instant START = Instant.parse("2026-11-22T23:10:05.911Z");

    static Alert alert(AlertStatus status, Map<String, String> labels, Map<String, String> annotations) {
        return Alert.of(status, labels, annotations, START, status == AlertStatus.RESOLVED ? START.plusSeconds(60) : null,
                "http://prometheus/graph?g0.expr=up", "alertmanager");
    }

    final PagerDuty pagerDuty = new PagerDuty(new SinkSettings("pagerduty", k -> Optional.empty()), "http://hub/api/alerts");
    final Slack slack = new Slack(new SinkSettings("slack", k -> Optional.empty()));
    final Email email = new Email(new SinkSettings("email", k -> Optional.empty()), "", 25, "", "", "");

    @Test
    void pagerDutySummaryIsCutToTheEventsApiLimit() throws Exception {
        Alert a = alert(AlertStatus.FIRING, Map.of("alertname", "Big", "severity", "critical"),
                Map.of("summary", "x".repeat(5000)));
        JsonNode e = Json.MAPPER.readTree(pagerDuty.render(a));
        assertThat(e.at("/payload/summary").asText()).hasSize(1024).endsWith("…");
        assertThat(e.has("routing_key")).as("secret added at send time only").isFalse();
        assertThat(e.at("/payload/source").asText()).isEqualTo("alerthub");
        assertThat(e.path("client_url").asText()).isEqualTo("http://hub/api/alerts");
    }

    @Test
    void pagerDutyResolveCarriesOnlyWhatTheApiNeeds() throws Exception {
        Alert a = alert(AlertStatus.RESOLVED, Map.of("alertname", "A", "severity", "critical"), Map.of());
        JsonNode e = Json.MAPPER.readTree(pagerDuty.render(a));
        assertThat(e.path("event_action").asText()).isEqualTo("resolve");
        assertThat(e.path("dedup_key").asText()).isEqualTo(a.fingerprint());
        assertThat(e.has("payload")).isFalse();
    }

    @Test
    void pagerDutySourceAndDetailsComeFromLabels() throws Exception {
        Alert a = alert(AlertStatus.FIRING, Map.of("alertname", "A", "severity", "sev9", "namespace", "shop",
                "deployment", "cart", "pod", "cart-1"), Map.of("runbook_url", "https://rb/a"));
        JsonNode e = Json.MAPPER.readTree(pagerDuty.render(a));
        assertThat(e.at("/payload/source").asText()).isEqualTo("cart-1");
        assertThat(e.at("/payload/severity").asText()).isEqualTo("warning");
        assertThat(e.at("/payload/custom_details/severity_note").asText()).contains("'sev9'");
        assertThat(e.at("/payload/component").asText()).isEqualTo("cart");
        assertThat(e.path("links").findValuesAsText("href")).containsExactly("http://prometheus/graph?g0.expr=up",
                "https://rb/a");
    }

    @Test
    void slackEscapesWhatSlackWouldInterpretAndKeepsTheHeaderShort() throws Exception {
        Alert a = alert(AlertStatus.FIRING, Map.of("alertname", "A".repeat(200), "severity", "warning"),
                Map.of("summary", "<!channel> & <http://evil|click>"));
        JsonNode m = Json.MAPPER.readTree(slack.render(a));
        assertThat(m.at("/blocks/0/text/text").asText().length()).isLessThanOrEqualTo(150);
        assertThat(m.at("/blocks/1/text/text").asText()).contains("&lt;!channel&gt; &amp; &lt;http://evil|click&gt;")
                .doesNotContain("<!channel>");
        assertThat(m.path("text").asText()).startsWith("[FIRING] ");
    }

    @Test
    void slackResolvedMessageSaysResolved() throws Exception {
        JsonNode m = Json.MAPPER.readTree(slack.render(alert(AlertStatus.RESOLVED,
                Map.of("alertname", "A", "severity", "warning", "namespace", "n", "deployment", "d"), Map.of())));
        assertThat(m.path("text").asText()).startsWith("[RESOLVED] A n/d (warning)");
        assertThat(m.at("/blocks/0/text/text").asText()).contains("RESOLVED: A");
    }

    @Test
    void emailSubjectFollowsTheContractAndHtmlIsEscaped() {
        Email.Message m = Json.read(email.render(alert(AlertStatus.FIRING,
                Map.of("alertname", "HighErrorRate", "severity", "info", "namespace", "shop", "deployment", "checkout"),
                Map.of("summary", "<script>alert(1)</script>"))), Email.Message.class);
        assertThat(m.subject()).isEqualTo("[FIRING] HighErrorRate shop/checkout (info)");
        assertThat(m.html()).contains("&lt;script&gt;").doesNotContain("<script>");
        assertThat(m.text()).contains("<script>alert(1)</script>").contains("namespace=shop");

        Email.Message noTarget = Json.read(email.render(alert(AlertStatus.RESOLVED,
                Map.of("alertname", "Disk", "severity", "info"), Map.of())), Email.Message.class);
        assertThat(noTarget.subject()).isEqualTo("[RESOLVED] Disk (info)");
    }

    @Test
    void smtpPasswordIsGivenToTheComponentVerbatimAndNeverPutInTheEndpointUri() throws Exception {
        Email e = new Email(new SinkSettings("email", k -> Optional.empty()), "smtp.example", 587, "a@b", "user@x",
                "p&ss=w+rd");
        assertThat(e.endpoint()).isEqualTo("smtp://smtp.example:587?connectionTimeout=10000&username=user%40x");
        try (var context = new org.apache.camel.impl.DefaultCamelContext()) {
            e.configure(context);
            var endpoint = context.getEndpoint(e.endpoint(), org.apache.camel.component.mail.MailEndpoint.class);
            assertThat(endpoint.getConfiguration().getPassword()).isEqualTo("p&ss=w+rd");
            assertThat(endpoint.getConfiguration().getUsername()).isEqualTo("user@x");
            assertThat(endpoint.getEndpointUri()).doesNotContain("p&ss");
        }
    }
}
