package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Fingerprints;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static dev.alerthub.flow.WebhookToSinksTest.assertProblem;
import static dev.alerthub.flow.WebhookToSinksTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** POST /api/alerts/{fingerprint}/ack and direct:acknowledge through the real routes (docs/lifecycle.md#acknowledge). */
class AcknowledgeTest {
    static final Map<String, String> DB_DOWN = Map.of("alertname", "DatabaseDown", "severity", "critical",
            "namespace", "shop", "instance", "db-1");
    static final Map<String, String> SLOW = Map.of("alertname", "SlowCheckout", "severity", "warning",
            "namespace", "shop", "deployment", "checkout");
    static HttpStub pagerDuty;
    static HttpStub slack;
    static TestHub hub;

    @BeforeAll
    static void start() {
        pagerDuty = SinkStubs.pagerDuty();
        slack = SinkStubs.slack();
        hub = TestHub.builder().pagerDuty(pagerDuty).slack(slack).start();
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
    }

    @Test
    void ackOfAPagedAlertIsStoredShownAndSendsPagerDutyAcknowledgeForTheSameIncident() {
        Instant startsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        post(AlertmanagerWebhook.create().firing(DB_DOWN, Map.of("summary", "db down"), startsAt));
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);
        String fp = Fingerprints.of(DB_DOWN);

        HttpResponse<String> r = ack(fp, "{\"by\":\"alice\",\"comment\":\"restarting the primary\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r.body()).path("acknowledgedBy").asText()).isEqualTo("alice");
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 2);
        JsonNode ackEvent = json(pagerDuty.accepted().get(1).body());
        assertThat(ackEvent.path("event_action").asText()).isEqualTo("acknowledge");
        assertThat(ackEvent.path("dedup_key").asText()).isEqualTo(fp)
                .isEqualTo(json(pagerDuty.accepted().get(0).body()).path("dedup_key").asText());
        assertThat(pagerDuty.violations()).isEmpty();

        JsonNode listed = json(hub.get("/api/alerts").body()).get(0);
        assertThat(listed.path("acknowledgedBy").asText()).isEqualTo("alice");
        JsonNode one = json(hub.get("/api/alerts/" + fp).body());
        assertThat(one.path("acknowledgedBy").asText()).isEqualTo("alice");
        assertThat(one.path("notifications").asText()).isEqualTo("/api/notifications?fingerprint=" + fp);
        assertThat(slack.requests()).as("a critical alert goes to PagerDuty only: no Slack message to update").isEmpty();
    }

    @Test
    void ackOfASlackNotifiedAlertPostsItsMessageAgainSayingWhoAcknowledgedAndPagesNobody() {
        post(AlertmanagerWebhook.create().firing(SLOW, Map.of("summary", "checkout is slow"), Instant.now().minusSeconds(60)));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 1);
        assertThat(slack.accepted().get(0).body()).doesNotContain("Acknowledged by");

        assertThat(ack(Fingerprints.of(SLOW), "{\"by\":\"bob\"}").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 2);
        assertThat(slack.accepted().get(1).body()).contains("Acknowledged by bob").contains("SlowCheckout");
        assertThat(slack.violations()).isEmpty();
        assertThat(pagerDuty.requests()).as("never paged: no PagerDuty acknowledge").isEmpty();
    }

    @Test
    void aSecondAckChangesNothingAndSendsNothingAgain() {
        post(AlertmanagerWebhook.create().firing(DB_DOWN, Map.of("summary", "db down"), Instant.now().minusSeconds(60)));
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);
        String fp = Fingerprints.of(DB_DOWN);
        ack(fp, "{\"by\":\"alice\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 2);

        HttpResponse<String> again = ack(fp, "{\"by\":\"carol\"}");

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again.body()).path("acknowledgedBy").asText()).isEqualTo("alice");
        assertThat(json(again.body()).path("already").asBoolean()).isTrue();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> pagerDuty.requests().size() == 2);
    }

    @Test
    void aNewFiringAfterTheResolveIsNotAcknowledged() {
        Instant first = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);
        post(AlertmanagerWebhook.create().firing(DB_DOWN, Map.of("summary", "db down"), first));
        String fp = Fingerprints.of(DB_DOWN);
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);
        ack(fp, "{\"by\":\"alice\"}");
        post(AlertmanagerWebhook.create().resolved(DB_DOWN, Map.of("summary", "db down"), first, first.plusSeconds(60)));
        post(AlertmanagerWebhook.create().firing(DB_DOWN, Map.of("summary", "db down"), first.plusSeconds(300)));

        await().atMost(Duration.ofSeconds(10)).until(() -> json(hub.get("/api/alerts/" + fp).body())
                .path("startsAt").asText().equals(first.plusSeconds(300).toString()));
        assertThat(json(hub.get("/api/alerts/" + fp).body()).has("acknowledgedBy")).isFalse();
    }

    @Test
    void refusalsNameTheProblem() {
        post(AlertmanagerWebhook.create().firing(DB_DOWN, Map.of("summary", "db down"), Instant.now().minusSeconds(60))
                .resolved(SLOW, Map.of("summary", "slow"), Instant.now().minusSeconds(600), Instant.now().minusSeconds(60)));
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.get("/api/alerts").body().contains("SlowCheckout"));

        assertProblem(ack("0123456789abcdef", "{\"by\":\"alice\"}"), 404, "does not exist");
        assertProblem(ack(Fingerprints.of(SLOW), "{\"by\":\"alice\"}"), 409, "not firing");
        assertProblem(ack(Fingerprints.of(DB_DOWN), "{\"comment\":\"no name\"}"), 400, "by: missing");
        assertProblem(ack(Fingerprints.of(DB_DOWN), "{not json"), 400, "malformed JSON");
        assertProblem(hub.get("/api/alerts/0123456789abcdef"), 404, "does not exist");
        assertThat(json(hub.get("/api/alerts/" + Fingerprints.of(DB_DOWN)).body()).has("acknowledgedBy")).isFalse();
    }

    @Test
    void theSharedRouteRefusesAnUnknownGroup() {
        ProducerTemplate producer = hub.context().createProducerTemplate();
        assertThatThrownBy(() -> producer.sendBodyAndHeaders("direct:acknowledge", null,
                Map.of("ackTarget", "group:no-such-group", "ackBy", "alice")))
                .isInstanceOf(CamelExecutionException.class)
                .cause().isInstanceOf(dev.alerthub.store.InvalidRequestException.class).hasMessageContaining("unknown group");
    }

    private static void post(AlertmanagerWebhook webhook) {
        assertThat(hub.postWebhook(webhook.bytes()).statusCode()).isEqualTo(200);
    }

    static HttpResponse<String> ack(String fingerprint, String body) {
        return hub.post("/api/alerts/" + fingerprint + "/ack", body.getBytes(StandardCharsets.UTF_8), "application/json",
                null);
    }
}
