package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.alert.Json;
import dev.alerthub.notify.SlackApi;
import dev.alerthub.notify.SlackMessage;
import dev.alerthub.store.DeadLetters;
import dev.alerthub.store.Deliveries;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.LogCapture;
import dev.alerthub.support.SlackApiStub;
import dev.alerthub.support.SlackApiStub.Call;
import dev.alerthub.support.TestHub;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Slack Web API mode through the real routes, against a stand-in that keeps the channel's messages
 * and answers as Slack does (ok, channel, ts; ok:false with Slack's error names): one message per
 * alert, edited in place (chat.update of the same ts) as the alert changes, replies in its thread.
 */
class SlackWebApiTest {
    static SlackApiStub slack;
    static TestHub hub;
    static LogCapture log;

    @BeforeAll
    static void start() {
        slack = new SlackApiStub();
        log = new LogCapture();
        hub = webApiHub(null);
    }

    static TestHub webApiHub(Path dataDir) {
        TestHub.Builder b = TestHub.builder()
                .property("alerthub.slack.bot-token", SlackApiStub.TOKEN)
                .property("alerthub.slack.channel", SlackApiStub.CHANNEL)
                .property("alerthub.slack.api-url", slack.url())
                .property("alerthub.slack.signing-secret", "test-signing-secret")
                .property("alerthub.delivery.slack-per-second", "0");
        return (dataDir == null ? b : b.dataDir(dataDir)).start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        log.close();
        slack.close();
    }

    @BeforeEach
    void clean() {
        hub.reset();
        slack.clear();
    }

    @Test
    void aFiringAlertIsPostedAndItsResolutionEditsTheSameMessage() {
        hub.postWebhook(Fixtures.webhook("webhook-firing-warning"));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messages().size() == 1);
        String ts = slack.messages().get(0).ts();

        hub.postWebhook(resolvedWarning());
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messages().get(0).versions().size() == 2);

        List<Call> calls = slack.calls();
        assertThat(calls).extracting(Call::method).containsExactly("chat.postMessage", "chat.update");
        assertThat(calls).extracting(Call::authorization).containsOnly("Bearer " + SlackApiStub.TOKEN);
        assertThat(calls.get(0).body().path("channel").asText()).isEqualTo(SlackApiStub.CHANNEL);
        assertThat(calls.get(0).body().has("thread_ts")).isFalse();
        // the edit names the message by the channel id and ts Slack answered the post with
        assertThat(calls.get(1).body().path("channel").asText()).isEqualTo(SlackApiStub.CHANNEL_ID);
        assertThat(calls.get(1).body().path("ts").asText()).isEqualTo(ts);
        assertThat(slack.messages()).hasSize(1);
        assertThat(slack.messages().get(0).versions().get(0).path("text").asText()).startsWith("[FIRING] HighLatencyP95");
        assertThat(slack.messages().get(0).text()).startsWith("[RESOLVED] HighLatencyP95");
        assertThat(slack.http().violations()).isEmpty();
    }

    @Test
    void anAcknowledgementEditsTheMessageToSayWhoAndDropsTheButton() {
        hub.postWebhook(Fixtures.webhook("webhook-firing-warning"));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messages().size() == 1);
        assertThat(slack.messages().get(0).current().toString()).contains("\"action_id\":\"alerthub-ack\"");

        HttpResponse<String> ack = hub.post("/api/alerts/79675fe29d883a02/ack",
                "{\"by\":\"amy\"}".getBytes(StandardCharsets.UTF_8), "application/json", null);
        assertThat(ack.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messages().get(0).versions().size() == 2);

        assertThat(slack.messages()).hasSize(1);
        assertThat(slack.calls().get(slack.calls().size() - 1).method()).isEqualTo("chat.update");
        assertThat(slack.messages().get(0).current().toString()).contains("Acknowledged by amy")
                .doesNotContain("alerthub-ack");
    }

    @Test
    void aRestartedHubStillEditsTheMessageItPostedBefore() throws Exception {
        Path data = Files.createTempDirectory("alerthub-slack-restart");
        String ts;
        try (TestHub first = webApiHub(data)) {
            first.postWebhook(Fixtures.webhook("webhook-firing-warning"));
            await().atMost(Duration.ofSeconds(10)).until(() -> slack.messages().size() == 1);
            ts = slack.messages().get(0).ts();
            await().atMost(Duration.ofSeconds(10)).until(() -> first.context().getInflightRepository().size() == 0);
        }
        try (TestHub second = webApiHub(data)) {
            second.postWebhook(resolvedWarning());
            await().atMost(Duration.ofSeconds(10)).until(() -> slack.messages().get(0).versions().size() == 2);
        }
        assertThat(slack.messages()).hasSize(1);
        assertThat(slack.calls()).extracting(Call::method).containsExactly("chat.postMessage", "chat.update");
        assertThat(slack.calls().get(1).body().path("ts").asText()).isEqualTo(ts);
        assertThat(slack.messages().get(0).text()).startsWith("[RESOLVED]");
    }

    @Test
    void aMessageDeletedInSlackIsPostedAnewAndThatOneIsEditedFromThenOn() {
        hub.postWebhook(Fixtures.webhook("webhook-firing-warning"));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messages().size() == 1);
        slack.delete(slack.messages().get(0).ts());

        hub.postWebhook(resolvedWarning());
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messages().size() == 1);

        assertThat(slack.calls()).extracting(Call::method)
                .containsExactly("chat.postMessage", "chat.update", "chat.postMessage");
        assertThat(slack.messages().get(0).text()).startsWith("[RESOLVED]");
        assertThat(hub.get("/api/dead-letters").body()).isEqualTo("[]");
        // and the new message is the one the next reply threads under
        remind("79675fe29d883a02");
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.replies(slack.messages().get(0).ts()).size() == 1);
    }

    @Test
    void ratelimitedIsRetriedAndTheMessagePostedOnce() {
        slack.http().thenRespond(SlackApiStub.error("ratelimited"), SlackApiStub.error("ratelimited"));
        hub.postWebhook(Fixtures.webhook("webhook-firing-warning"));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messages().size() == 1);
        assertThat(slack.http().requests()).hasSize(3);
        assertThat(hub.get("/api/dead-letters").body()).isEqualTo("[]");
    }

    @Test
    void http429WithRetryAfterIsRetried() {
        slack.http().thenRespond(new HttpStub.Response(429, Map.of("Retry-After", "0"), "{\"ok\":false,\"error\":\"ratelimited\"}"));
        hub.postWebhook(Fixtures.webhook("webhook-firing-warning"));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messages().size() == 1);
        assertThat(slack.http().requests()).hasSize(2);
    }

    @Test
    void invalidAuthAndChannelNotFoundAreDeadLettersAtOnceAndTheTokenIsNeverLogged() {
        slack.http().thenRespond(SlackApiStub.error("invalid_auth"));
        hub.postWebhook(Fixtures.webhook("webhook-firing-warning"));
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.get("/api/dead-letters").body().contains("invalid_auth"));
        slack.http().thenRespond(SlackApiStub.error("channel_not_found"));
        // the group's second alert (the first one is an unchanged re-send, not notified again)
        hub.postWebhook(Fixtures.webhook("webhook-firing-warning-2-alerts"));
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.get("/api/dead-letters").body().contains("channel_not_found"));

        JsonNode dead = Json.read(hub.get("/api/dead-letters").body(), JsonNode.class);
        for (JsonNode d : dead) {
            assertThat(d.path("attempts").asInt()).as("no retry for %s", d.path("lastError").asText()).isEqualTo(1);
            assertThat(d.path("lastError").asText()).startsWith("HTTP 200 ok:false from Slack chat.postMessage: ");
        }
        assertThat(slack.messages()).isEmpty();
        assertThat(String.join("\n", log.lines())).doesNotContain(SlackApiStub.TOKEN);
        assertThat(hub.get(hub.managementUrl("/observe/health?exposureLevel=full")).body()).doesNotContain(SlackApiStub.TOKEN);
    }

    @Test
    void aReminderIsAReplyInTheAlertsThreadAlsoWhenItIsRetried() {
        hub.postWebhook(Fixtures.webhook("webhook-firing-warning"));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messages().size() == 1);
        String ts = slack.messages().get(0).ts();
        // the first try fails: the retry comes back from the store, which must keep "reminder"
        slack.http().thenRespond(new HttpStub.Response(503, Map.of(), "upstream"));

        remind("79675fe29d883a02");
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.replies(ts).size() == 1);

        Call reply = slack.calls().get(slack.calls().size() - 1);
        assertThat(reply.method()).isEqualTo("chat.postMessage");
        assertThat(reply.body().path("thread_ts").asText()).isEqualTo(ts);
        assertThat(reply.body().path("channel").asText()).isEqualTo(SlackApiStub.CHANNEL_ID);
        assertThat(slack.messages()).hasSize(1);
        assertThat(slack.messages().get(0).versions()).hasSize(1);
    }

    @Test
    void aRemediationActionIsAReplyInTheAlertsThread() {
        hub.postWebhook(Fixtures.webhook("webhook-firing-warning"));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messages().size() == 1);
        String ts = slack.messages().get(0).ts();

        // what routes/remediate/audit.camel.yaml does with RemediationMessages' properties
        Exchange audit = rendered("79675fe29d883a02", "[remediation] rollback shop/catalog: done");
        audit.setProperty(SlackApi.REPLY, true);
        queue(audit);
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.replies(ts).size() == 1);
        assertThat(slack.replies(ts).get(0).text()).startsWith("[remediation] rollback");
        assertThat(slack.messages().get(0).versions()).hasSize(1);
    }

    /** The captured warning (webhook-firing-warning), resolved: Alertmanager's next send of the group. */
    static byte[] resolvedWarning() {
        ObjectNode webhook = (ObjectNode) Json.read(new String(Fixtures.webhook("webhook-firing-warning"),
                StandardCharsets.UTF_8), JsonNode.class);
        webhook.put("status", "resolved");
        ((ObjectNode) webhook.path("alerts").get(0)).put("status", "resolved").put("endsAt", "2026-11-22T23:40:05.901Z");
        return webhook.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void remind(String fingerprint) {
        Exchange reminder = rendered(fingerprint, "[REMINDER] HighLatencyP95 still firing");
        reminder.setProperty(SlackApi.REMINDER, true);
        queue(reminder);
    }

    private Exchange rendered(String fingerprint, String text) {
        Alert alert = new Alert(fingerprint, AlertStatus.FIRING, null, "HighLatencyP95",
                Map.of("alertname", "HighLatencyP95"), Map.of(), Instant.now(), null, null, "alertmanager");
        Exchange e = new DefaultExchange(hub.context());
        e.setProperty(Deliveries.SINK, "slack");
        e.setProperty(Deliveries.TARGET, "");
        e.setProperty(Deliveries.ALERT, alert);
        e.setProperty(DeadLetters.REQUEST, SlackMessage.withText(text).header(text).json());
        return e;
    }

    private void queue(Exchange e) {
        hub.bean("deliveries", Deliveries.class).enqueueRendered(e);
        hub.context().createProducerTemplate().sendBodyAndHeader("seda:slack-deliveries?waitForTaskToComplete=Never",
                null, Deliveries.DELIVERY_ID, e.getMessage().getHeader(Deliveries.DELIVERY_ID));
    }
}
