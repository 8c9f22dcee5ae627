package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import dev.alerthub.alert.Json;
import dev.alerthub.support.AllSinks;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.PostgresSchema;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every webhook Alertmanager 0.25 sent while the fixtures were captured, through the real routes,
 * on the production store (PostgreSQL): each alert reaches the sink its severity names, with its status.
 */
class EveryFixtureRoutesTest {
    static AllSinks sinks;
    static HttpStub pagerDuty;
    static HttpStub slack;
    static GreenMail smtp;
    static PostgresSchema schema;
    static TestHub hub;

    @BeforeAll
    static void start() {
        sinks = new AllSinks();
        pagerDuty = sinks.pagerDuty;
        slack = sinks.slack;
        smtp = sinks.smtp;
        schema = new PostgresSchema();
        hub = sinks.hub("ops@example.test")
                .storeUrl(schema.url()).property("alerthub.store.username", PostgresSchema.user())
                .property("alerthub.delivery.slack-per-second", "50").start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        schema.close();
        sinks.close();
    }

    @BeforeEach
    void clean() throws Exception {
        hub.reset();
        sinks.clear();
    }

    @ParameterizedTest
    @ValueSource(strings = {"webhook-firing-critical", "webhook-firing-warning", "webhook-firing-info",
            "webhook-firing-warning-2-alerts", "webhook-truncated", "webhook-resolved", "webhook-mixed",
            "webhook-truncated-mixed", "webhook-resolved-warning", "webhook-resolved-info",
            "webhook-resolved-critical-2-alerts", "webhook-truncated-firing-startsat-in-past",
            "webhook-truncated-resolved", "webhook-prometheus-originated"})
    void eachAlertOfACapturedWebhookReachesTheSinkItsSeverityNames(String fixture) throws Exception {
        List<String> toPagerDuty = new ArrayList<>();
        List<String> toSlack = new ArrayList<>();
        List<String> toEmail = new ArrayList<>();
        for (JsonNode a : Json.MAPPER.readTree(Fixtures.webhook(fixture)).path("alerts")) {
            String expected = a.path("status").asText() + " " + a.path("fingerprint").asText();
            switch (a.at("/labels/severity").asText()) {
                case "critical" -> toPagerDuty.add(expected);
                case "info" -> toEmail.add(expected);
                default -> toSlack.add(expected);
            }
        }
        // Slack and email notify per group (docs/sinks.md#grouping): a webhook is one Alertmanager group, so
        // one message for its alerts, FIRING while any of them fires; PagerDuty pages per alert (small groups)
        List<String> slackStates = grouped(toSlack);
        List<String> emailStates = grouped(toEmail);
        assertThat(hub.postWebhook(Fixtures.webhook(fixture)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> pagerDuty.accepted().size() == toPagerDuty.size()
                && slack.accepted().size() == slackStates.size() && smtp.getReceivedMessages().length == emailStates.size());

        assertThat(pagerDuty.accepted()).extracting(r -> {
            JsonNode e = Json.MAPPER.readTree(r.body());
            return (e.path("event_action").asText().equals("trigger") ? "firing" : "resolved") + " "
                    + e.path("dedup_key").asText();
        }).containsExactlyInAnyOrderElementsOf(toPagerDuty);
        assertThat(slack.accepted()).extracting(r -> Json.MAPPER.readTree(r.body()).path("text").asText().split(" ")[0])
                .containsExactlyElementsOf(slackStates);
        assertThat(smtp.getReceivedMessages()).extracting(m -> m.getSubject().split(" ")[0])
                .containsExactlyElementsOf(emailStates);
        assertThat(pagerDuty.violations()).isEmpty();
        assertThat(slack.violations()).isEmpty();
    }

    /** The one group message a sink gets for these alerts ("status fingerprint"): none, [FIRING] or [RESOLVED]. */
    private static List<String> grouped(List<String> alerts) {
        if (alerts.isEmpty()) {
            return List.of();
        }
        return List.of(alerts.stream().anyMatch(a -> a.startsWith("firing ")) ? "[FIRING]" : "[RESOLVED]");
    }
}
