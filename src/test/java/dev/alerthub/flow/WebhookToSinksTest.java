package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import dev.alerthub.alert.Json;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.AllSinks;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.LogCapture;
import dev.alerthub.support.TestHub;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Journey 1 through the real hub and its YAML routes: Alertmanager's captured webhooks in, the
 * PagerDuty and Slack stand-ins (checking interface.md's request shapes) and GreenMail out.
 */
class WebhookToSinksTest {
    static AllSinks sinks;
    static HttpStub pagerDuty;
    static HttpStub slack;
    static GreenMail smtp;
    static TestHub hub;

    @BeforeAll
    static void start() {
        sinks = new AllSinks();
        pagerDuty = sinks.pagerDuty;
        slack = sinks.slack;
        smtp = sinks.smtp;
        hub = sinks.hub("oncall@example.test").property("alerthub.delivery.slack-per-second", "1").start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        sinks.close();
    }

    @BeforeEach
    void clean() throws Exception {
        hub.reset();
        sinks.clear();
        pagerDuty.setNormal(HttpStub.Response.of(202, "{\"status\":\"success\"}"));
        slack.setNormal(HttpStub.Response.of(200, "ok"));
    }

    @Test
    void eachCapturedWebhookIsRoutedBySeverityToTheRightSink() throws Exception {
        assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-critical")), 1);
        assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-warning")), 1);
        assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-info")), 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1
                && slack.accepted().size() == 1 && smtp.getReceivedMessages().length == 1);

        JsonNode page = json(pagerDuty.accepted().get(0).body());
        assertThat(page.path("event_action").asText()).isEqualTo("trigger");
        assertThat(page.path("dedup_key").asText()).isEqualTo("4cde567b6413872d");
        assertThat(page.path("routing_key").asText()).isEqualTo("test-routing-key-0123456789abcdef");
        assertThat(page.at("/payload/summary").asText()).startsWith("[FIRING] HighErrorRate shop/checkout: ");
        assertThat(page.at("/payload/severity").asText()).isEqualTo("critical");
        assertThat(page.at("/payload/class").asText()).isEqualTo("HighErrorRate");
        assertThat(page.at("/payload/group").asText()).isEqualTo("shop");
        assertThat(page.at("/payload/custom_details/labels/namespace").asText()).isEqualTo("shop");
        assertThat(page.path("links").findValuesAsText("text")).contains("Runbook", "Source expression");
        assertThat(page.path("client").asText()).isEqualTo("alerthub");

        JsonNode post = json(slack.accepted().get(0).body());
        assertThat(post.path("text").asText()).startsWith("[FIRING] HighLatencyP95 shop/catalog (warning)");
        assertThat(post.path("blocks").get(0).at("/text/text").asText()).contains("FIRING: HighLatencyP95");

        MimeMessage mail = smtp.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("[FIRING] DeploymentRolledOut shop/cart (info)");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("oncall@example.test");
        MimeMultipart parts = (MimeMultipart) mail.getContent();
        String all = partsText(parts);
        assertThat(all).contains("text/plain").contains("text/html").contains("cart rolled out revision 42");

        assertThat(pagerDuty.violations()).isEmpty();
        assertThat(slack.violations()).isEmpty();

        String metrics = hub.get(hub.managementUrl("/observe/metrics")).body();
        assertThat(metrics).contains("alerthub_alerts_received_total{severity=\"critical\",source=\"alertmanager\",status=\"firing\"}")
                .contains("alerthub_notifications_total{outcome=\"sent\",sink=\"pagerduty\"}")
                .contains("alerthub_outbox_depth");
    }

    @Test
    void resolvedAlertResolvesThePagerDutyIncidentWithTheSameDedupKey() {
        assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-critical")), 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);
        assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-resolved")), 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 2);

        JsonNode trigger = json(pagerDuty.accepted().get(0).body());
        JsonNode resolve = json(pagerDuty.accepted().get(1).body());
        assertThat(trigger.path("event_action").asText()).isEqualTo("trigger");
        assertThat(resolve.path("event_action").asText()).isEqualTo("resolve");
        assertThat(resolve.path("dedup_key").asText()).isEqualTo(trigger.path("dedup_key").asText());
        assertThat(pagerDuty.violations()).isEmpty();
    }

    @Test
    void aResentGroupNotifiesNobodyTwice() {
        for (int i = 0; i < 3; i++) {
            assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-warning")), 1);
            assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-critical")), 1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1
                && slack.accepted().size() == 1);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> pagerDuty.requests().size() == 1 && slack.requests().size() == 1);
    }

    @Test
    void aSecondAlertJoiningTheGroupNotifiesOnlyForTheNewAlert() {
        assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-warning")), 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 1);
        assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-warning-2-alerts")), 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 2);
        // grouping (docs/sinks.md#grouping): the second message is the group's, both alerts, the new one included
        assertThat(json(slack.accepted().get(1).body()).path("text").asText()).startsWith("[FIRING] 2 alerts");
        assertThat(slack.accepted().get(1).body()).contains("search");
        await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(3))
                .until(() -> slack.requests().size() == 2);
    }

    @Test
    void unknownSeverityIsTreatedAsWarningAndTheMessageSaysSo() {
        String body = """
                {"version":"4","status":"firing","receiver":"r","groupKey":"g","alerts":[{"status":"firing",
                 "labels":{"alertname":"DiskFull","severity":"page","namespace":"ops"},
                 "annotations":{"summary":"disk almost full"},"startsAt":"2026-11-22T23:10:05Z",
                 "endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"0123456789abcdef"}]}""";
        assertAccepted(hub.postWebhook(body.getBytes(StandardCharsets.UTF_8)), 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 1);
        assertThat(slack.accepted().get(0).body()).contains("severity 'page' is not critical, warning or info; treated as warning");
        assertThat(pagerDuty.requests()).isEmpty();
    }

    @Test
    void sinkAnswering429And5xxIsRetriedHonouringRetryAfterAndDeliveredOnce() {
        pagerDuty.thenRespond(new HttpStub.Response(429, Map.of("Retry-After", "1"), "{\"status\":\"throttled\"}"),
                HttpStub.Response.of(502, "bad gateway"));
        assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-critical")), 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);
        List<HttpStub.Request> tries = pagerDuty.requests();
        assertThat(tries).hasSize(3);
        assertThat(Duration.between(tries.get(0).at(), tries.get(1).at()))
                .as("waited for Retry-After: 1 (the configured backoff is 20 ms)")
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(tries).extracting(HttpStub.Request::body).containsOnly(tries.get(0).body());
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() -> pagerDuty.requests().size() == 3);
        assertThat(hub.get("/api/dead-letters").body()).isEqualTo("[]");
    }

    @Test
    void exhaustedDeliveryIsKeptAsDeadLetterAndReplaysExactlyWhatWasMeant() {
        slack.setNormal(HttpStub.Response.of(503, "service unavailable"));
        assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-warning")), 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> json(hub.get("/api/dead-letters").body()).size() == 1);
        JsonNode dead = json(hub.get("/api/dead-letters").body()).get(0);
        assertThat(dead.path("sink").asText()).isEqualTo("slack");
        assertThat(dead.path("attempts").asInt()).as("retried until give-up-after (3 s here)").isGreaterThan(1)
                .isEqualTo(slack.requests().size());
        assertThat(dead.path("lastStatus").asInt()).isEqualTo(503);
        assertThat(dead.path("lastError").asText()).contains("service unavailable");
        assertThat(dead.path("alertname").asText()).isEqualTo("HighLatencyP95");
        assertThat(dead.path("request").asText()).isEqualTo(slack.requests().get(0).body());

        slack.setNormal(HttpStub.Response.of(200, "ok"));
        HttpResponse<String> replay = hub.post("/api/dead-letters/" + dead.path("id").asLong() + "/replay",
                new byte[0], null, null);
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(slack.accepted()).hasSize(1);
        assertThat(slack.accepted().get(0).body()).isEqualTo(slack.requests().get(0).body());
        assertThat(json(hub.get("/api/dead-letters").body()).get(0).path("replayedAt").isNull()).isFalse();
    }

    @Test
    void replayOfAnUnknownDeadLetterIs404AndOfAFailingSinkIs502() {
        HttpResponse<String> missing = hub.post("/api/dead-letters/999999/replay", new byte[0], null, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing.body()).path("message").asText()).contains("999999");

        pagerDuty.setNormal(HttpStub.Response.of(500, "down"));
        assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-critical")), 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> json(hub.get("/api/dead-letters").body()).size() == 1);
        long id = json(hub.get("/api/dead-letters").body()).get(0).path("id").asLong();
        HttpResponse<String> replay = hub.post("/api/dead-letters/" + id + "/replay", new byte[0], null, null);
        assertThat(replay.statusCode()).isEqualTo(502);
        assertThat(json(replay.body()).path("message").asText()).contains("HTTP 500");
    }

    @Test
    void aRejectedEventIsNotRetriedButKeptAsDeadLetter() {
        pagerDuty.setNormal(HttpStub.Response.of(400, "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\"}"));
        assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-critical")), 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> json(hub.get("/api/dead-letters").body()).size() == 1);
        JsonNode dead = json(hub.get("/api/dead-letters").body()).get(0);
        assertThat(dead.path("attempts").asInt()).isEqualTo(1);
        assertThat(dead.path("lastStatus").asInt()).isEqualTo(400);
        assertThat(dead.path("lastError").asText()).contains("invalid event");
        assertThat(dead.path("request").asText()).as("secrets are added at send time, never stored")
                .doesNotContain("routing_key");
        assertThat(pagerDuty.requests()).hasSize(1);
    }

    @Test
    void aResolveNeverOvertakesItsTrigger() {
        pagerDuty.thenRespond(HttpStub.Response.of(500, "x"), HttpStub.Response.of(500, "x"));
        assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-critical")), 1);
        assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-resolved")), 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> pagerDuty.accepted().size() == 2);
        assertThat(pagerDuty.accepted()).extracting(r -> json(r.body()).path("event_action").asText())
                .containsExactly("trigger", "resolve");
    }

    @Test
    void slackGetsAtMostOneMessagePerSecondPerWebhook() {
        // three groups (a group's alerts make one message, docs/sinks.md#grouping): three messages
        Instant at = Instant.parse("2026-11-22T23:10:05Z");
        for (int g = 0; g < 3; g++) {
            assertAccepted(hub.postWebhook(AlertmanagerWebhook.create()
                    .firing(Map.of("alertname", "RateLimited" + g, "severity", "warning"), Map.of(), at).bytes()), 1);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> slack.accepted().size() == 3);
        List<HttpStub.Request> posts = slack.accepted();
        assertThat(Duration.between(posts.get(0).at(), posts.get(2).at()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1800));
    }

    @Test
    void alertsApiListsCurrentAlertsAndFiltersByStatus() {
        assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-warning")), 1);
        assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-resolved")), 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 1);

        JsonNode all = json(hub.get("/api/alerts").body());
        assertThat(all).hasSize(2);
        JsonNode firing = json(hub.get("/api/alerts?status=firing").body());
        assertThat(firing).hasSize(1);
        JsonNode a = firing.get(0);
        assertThat(a.path("alertname").asText()).isEqualTo("HighLatencyP95");
        for (String field : new String[] {"fingerprint", "status", "severity", "labels", "annotations", "startsAt",
                "endsAt", "source", "lastNotifiedAt"}) {
            assertThat(a.has(field)).as(field).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() ->
                !json(hub.get("/api/alerts?status=firing").body()).get(0).path("lastNotifiedAt").isNull());
        HttpResponse<String> bad = hub.get("/api/alerts?status=open");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad.body()).path("message").asText()).contains("status: 'open'");
    }

    @Test
    void badInputGetsItsStatusAndAJsonMessageAndChangesNothing() {
        assertProblem(hub.post("/webhooks/alertmanager", "{\"version\":\"4\",".getBytes(StandardCharsets.UTF_8),
                "application/json", null), 400, "malformed JSON");
        assertProblem(hub.post("/webhooks/alertmanager", "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\"}]}"
                .getBytes(StandardCharsets.UTF_8), "application/json", null), 400, "alerts[0].labels");
        assertProblem(hub.post("/webhooks/alertmanager", Fixtures.webhook("webhook-firing-critical"),
                "text/plain", null), 415, "Content-Type");
        assertProblem(hub.post("/webhooks/alertmanager", Fixtures.webhook("webhook-firing-critical"),
                null, null), 415, "Content-Type");
        byte[] huge = new byte[1_048_577];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertProblem(hub.post("/webhooks/alertmanager", huge, "application/json", null), 413, "max-bytes");

        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() ->
                pagerDuty.requests().isEmpty() && slack.requests().isEmpty() && smtp.getReceivedMessages().length == 0);
        assertThat(hub.get("/api/alerts").body()).isEqualTo("[]");
    }

    @Test
    void noSecretEverReachesTheLog() {
        slack.setNormal(HttpStub.Response.of(500, "boom"));
        pagerDuty.setNormal(HttpStub.Response.of(500, "boom"));
        try (LogCapture log = new LogCapture()) {
            assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-warning")), 1);
            assertAccepted(hub.postWebhook(Fixtures.webhook("webhook-firing-critical")), 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> json(hub.get("/api/dead-letters").body()).size() == 2);
            assertThat(log.lines()).anyMatch(l -> l.contains("slack delivery") && l.contains("HTTP 500"));
            assertThat(log.lines()).noneMatch(l -> l.contains("/services/T000/B000/XXXX")
                    || l.contains("test-routing-key-0123456789abcdef"));
        }
    }

    static void assertAccepted(HttpResponse<String> r, int n) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r.body()).path("accepted").asInt()).isEqualTo(n);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    }

    static void assertProblem(HttpResponse<String> r, int status, String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = json(r.body());
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("message").asText()).contains(message);
    }

    static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    private static String partsText(MimeMultipart mp) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < mp.getCount(); i++) {
            var part = mp.getBodyPart(i);
            sb.append(part.getContentType()).append('\n');
            Object c = part.getContent();
            sb.append(c instanceof MimeMultipart inner ? partsText(inner) : String.valueOf(c)).append('\n');
        }
        return sb.toString();
    }
}
