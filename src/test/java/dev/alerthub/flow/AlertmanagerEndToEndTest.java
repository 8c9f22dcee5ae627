package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.alerthub.alert.Json;
import dev.alerthub.support.AlertmanagerProcess;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.Ports;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real Alertmanager 0.25 with a webhook receiver pointing at the hub (bearer token on): alerts
 * posted to Alertmanager's API come out at the PagerDuty and Slack stand-ins and at GreenMail, and
 * their resolution follows.
 */
class AlertmanagerEndToEndTest {
    static final String TOKEN = "e2e-token-7f3a";

    @Test
    void alertsPostedToAlertmanagerReachEverySinkAndResolveLater() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(Ports.free(), "127.0.0.1", "smtp"));
        smtp.start();
        try (HttpStub pagerDuty = SinkStubs.pagerDuty(); HttpStub slack = SinkStubs.slack();
             TestHub hub = TestHub.builder().pagerDuty(pagerDuty).slack(slack)
                     .smtp(smtp.getSmtp().getPort(), "oncall@example.test")
                     .property("alerthub.webhook.token", TOKEN).start();
             AlertmanagerProcess am = AlertmanagerProcess.start(config(hub.url("/webhooks/alertmanager")))) {

            am.postAlerts(Fixtures.text("alertmanager/requests/a-critical-higherrorrate.json"));
            am.postAlerts(Fixtures.text("alertmanager/requests/b-warning-highlatency.json"));
            am.postAlerts(Fixtures.text("alertmanager/requests/c-info-deployfinished.json"));

            await().atMost(Duration.ofSeconds(20)).until(() -> pagerDuty.accepted().size() == 1
                    && slack.accepted().size() == 1 && smtp.getReceivedMessages().length == 1);
            JsonNode trigger = Json.MAPPER.readTree(pagerDuty.accepted().get(0).body());
            assertThat(trigger.path("event_action").asText()).isEqualTo("trigger");
            assertThat(trigger.at("/payload/summary").asText()).contains("HighErrorRate shop/checkout");
            assertThat(slack.accepted().get(0).body()).contains("FIRING: HighLatencyP95");
            assertThat(smtp.getReceivedMessages()[0].getSubject()).isEqualTo("[FIRING] DeploymentRolledOut shop/cart (info)");

            String ended = Instant.now().minusSeconds(1).toString();
            for (String request : new String[] {"a-critical-higherrorrate", "b-warning-highlatency",
                    "c-info-deployfinished"}) {
                am.postAlerts(resolved(Fixtures.text("alertmanager/requests/" + request + ".json"), ended));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> pagerDuty.accepted().size() == 2
                    && slack.accepted().size() == 2 && smtp.getReceivedMessages().length == 2);
            JsonNode resolve = Json.MAPPER.readTree(pagerDuty.accepted().get(1).body());
            assertThat(resolve.path("event_action").asText()).isEqualTo("resolve");
            assertThat(resolve.path("dedup_key").asText()).isEqualTo(trigger.path("dedup_key").asText());
            assertThat(slack.accepted().get(1).body()).contains("RESOLVED: HighLatencyP95");
            assertThat(Arrays.stream(smtp.getReceivedMessages()).map(AlertmanagerEndToEndTest::subject))
                    .contains("[RESOLVED] DeploymentRolledOut shop/cart (info)");

            // Alertmanager keeps re-sending the groups every group_interval: nobody hears twice
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() ->
                    pagerDuty.requests().size() == 2 && slack.requests().size() == 2
                            && smtp.getReceivedMessages().length == 2);
            assertThat(pagerDuty.violations()).isEmpty();
            assertThat(slack.violations()).isEmpty();
        } finally {
            smtp.stop();
        }
    }

    static String config(String webhook) {
        return """
                route:
                  receiver: hub
                  group_by: ['alertname', 'namespace']
                  group_wait: 500ms
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: hub
                    webhook_configs:
                      - url: %s
                        send_resolved: true
                        max_alerts: 0
                        http_config:
                          authorization:
                            type: Bearer
                            credentials: %s
                """.formatted(webhook, TOKEN);
    }

    static String resolved(String requestJson, String endsAt) throws Exception {
        var alerts = (com.fasterxml.jackson.databind.node.ArrayNode) Json.MAPPER.readTree(requestJson);
        alerts.forEach(a -> ((com.fasterxml.jackson.databind.node.ObjectNode) a).put("endsAt", endsAt));
        return alerts.toString();
    }

    static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
