package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.alerthub.alert.Json;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.LogCapture;
import dev.alerthub.support.Ports;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's message templates (config/templates, docs/lifecycle.md#templates) through the real
 * routes: they change what Slack, PagerDuty and the mail say; a broken one is reported with file:line
 * at start-up and the notification still goes out with the built-in text.
 */
class MessageTemplatesTest {
    @TempDir
    Path templates;

    HttpStub slack;
    HttpStub pagerDuty;
    GreenMail smtp;

    @BeforeEach
    void stubs() {
        slack = SinkStubs.slack();
        pagerDuty = SinkStubs.pagerDuty();
        smtp = new GreenMail(new ServerSetup(Ports.free(), "127.0.0.1", "smtp"));
        smtp.start();
    }

    @AfterEach
    void stop() {
        slack.close();
        pagerDuty.close();
        smtp.stop();
    }

    TestHub hub() {
        return TestHub.builder().slack(slack).pagerDuty(pagerDuty).smtp(smtp.getSmtp().getPort(), "oncall@example.test")
                .property("alerthub.templates.dir", templates.toString()).start();
    }

    @Test
    void customTemplatesChangeTheSlackTextThePagerDutySummaryAndTheMailSubject() throws Exception {
        Files.writeString(templates.resolve("slack-text.slack.mustache"),
                "{{STATUS}} <{{labels.namespace}}> {{alertname}}: {{summary}} | runbook {{links.runbook}}\n");
        Files.writeString(templates.resolve("slack-body.slack.mustache"), "*{{labels.service}}* is slow{{#value}}: {{value}}{{/value}}");
        Files.writeString(templates.resolve("pagerduty-summary.mustache"), "Checkout down in {{labels.namespace}} ({{severity}})");
        Files.writeString(templates.resolve("email-subject.mustache"), "{{alertname}} is {{status}}\nBcc: someone@evil.test");
        try (TestHub hub = hub()) {
            hub.postWebhook(Fixtures.webhook("webhook-firing-warning"));
            hub.postWebhook(Fixtures.webhook("webhook-firing-critical"));
            hub.postWebhook(Fixtures.webhook("webhook-firing-info"));

            await().atMost(Duration.ofSeconds(20)).until(() -> !slack.accepted().isEmpty()
                    && !pagerDuty.accepted().isEmpty() && smtp.getReceivedMessages().length > 0);
            JsonNode msg = Json.read(slack.accepted().get(0).body(), JsonNode.class);
            // the template's own text as written, the label values escaped for Slack mrkdwn
            assertThat(msg.path("text").asText()).isEqualTo("FIRING <shop> HighLatencyP95: p95 latency above 500ms on catalog"
                    + " | runbook https://runbooks.example.com/shop/catalog/HighLatencyP95");
            assertThat(msg.at("/blocks/1/text/text").asText()).isEqualTo("*catalog* is slow");
            JsonNode event = Json.read(pagerDuty.accepted().get(0).body(), JsonNode.class);
            assertThat(event.at("/payload/summary").asText()).isEqualTo("Checkout down in shop (critical)");
            MimeMessage mail = smtp.getReceivedMessages()[0];
            // a line break in a subject template never becomes a second mail header
            assertThat(mail.getSubject()).isEqualTo("DeploymentRolledOut is firing Bcc: someone@evil.test");
            assertThat(mail.getHeader("Bcc")).isNull();
            assertThat(slack.violations()).isEmpty();
            assertThat(pagerDuty.violations()).isEmpty();
        }
    }

    @Test
    void aBrokenTemplateIsReportedWithFileAndLineAndTheBuiltInTextIsSent() throws Exception {
        Path broken = templates.resolve("slack-text.slack.mustache");
        Files.writeString(broken, "{{alertname}}\n{{#firing}}\nsince {{startsAt}}\n");
        try (LogCapture log = new LogCapture(); TestHub hub = hub()) {
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).contains("Template broken")
                    .contains(broken + ":2:"));
            hub.postWebhook(Fixtures.webhook("webhook-firing-warning"));

            await().atMost(Duration.ofSeconds(20)).until(() -> !slack.accepted().isEmpty());
            JsonNode msg = Json.read(slack.accepted().get(0).body(), JsonNode.class);
            assertThat(msg.path("text").asText())
                    .isEqualTo("[FIRING] HighLatencyP95 shop/catalog (warning): p95 latency above 500ms on catalog");
        }
    }
}
