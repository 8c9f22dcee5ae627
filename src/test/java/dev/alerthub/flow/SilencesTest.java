package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static dev.alerthub.flow.WebhookToSinksTest.assertProblem;
import static dev.alerthub.flow.WebhookToSinksTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SilencesTest {
    static HttpStub slack;
    static HttpStub pagerDuty;
    static TestHub hub;

    @BeforeAll
    static void start() {
        slack = SinkStubs.slack();
        pagerDuty = SinkStubs.pagerDuty();
        hub = TestHub.builder().slack(slack).pagerDuty(pagerDuty).start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        slack.close();
        pagerDuty.close();
    }

    @BeforeEach
    void clean() {
        hub.reset();
        slack.clear();
        pagerDuty.clear();
    }

    @Test
    void anActiveSilenceMutesMatchingAlertsOnlyUntilItIsExpired() {
        String id = silence("""
                {"matchers":[{"name":"alertname","value":"HighLatency.*","isRegex":true},
                             {"name":"namespace","value":"shop","isRegex":false,"isEqual":true}],
                 "endsAt":"%s","createdBy":"sre@example.test","comment":"deploying catalog"}""");
        JsonNode listed = json(hub.get("/api/silences").body());
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).at("/status/state").asText()).isEqualTo("active");
        assertThat(listed.get(0).at("/matchers/0/isRegex").asBoolean()).isTrue();

        assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-warning")).statusCode()).isEqualTo(200);
        assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-critical")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> slack.requests().isEmpty());

        HttpResponse<String> expired = hub.delete("/api/silences/" + id);
        assertThat(expired.statusCode()).isEqualTo(200);
        assertThat(json(hub.get("/api/silences").body()).get(0).at("/status/state").asText()).isEqualTo("expired");
        // the muted warning (catalog) still fires: it is told now; a new alert (search) is heard as usual.
        // Both are one Alertmanager group: the silence's end and the group's change make one or two
        // messages (docs/sinks.md#grouping), never one per alert and change
        hub.postWebhook(Fixtures.webhook("webhook-firing-warning-2-alerts"));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().stream().anyMatch(r -> r.body().contains("catalog"))
                && slack.accepted().stream().anyMatch(r -> r.body().contains("search")));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> slack.requests().size() <= 2);
    }

    @Test
    void theResolveOfAnAlertThatAlreadyPagedIsNeverMuted() {
        hub.postWebhook(Fixtures.webhook("webhook-firing-critical"));
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);
        silence("""
                {"matchers":[{"name":"alertname","value":"HighErrorRate"}],"endsAt":"%s",
                 "createdBy":"sre","comment":"known issue"}""");
        hub.postWebhook(Fixtures.webhook("webhook-resolved"));
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 2);
        assertThat(pagerDuty.accepted().get(1).body()).contains("\"event_action\":\"resolve\"");
    }

    @Test
    void aSilenceWrittenInAlertmanagersMatcherSyntaxMutesWhatItSelects() {
        String future = Instant.now().plusSeconds(3600).toString();
        HttpResponse<String> r = post("""
                {"matchers":"{alertname=~\\"HighLatency.*\\", namespace!=\\"dev\\"}","endsAt":"%s",
                 "createdBy":"sre","comment":"tuning the p95 alert"}""".formatted(future));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode listed = json(hub.get("/api/silences").body()).get(0);
        assertThat(listed.at("/matchers/0/name").asText()).isEqualTo("alertname");
        assertThat(listed.at("/matchers/0/isRegex").asBoolean()).isTrue();
        assertThat(listed.at("/matchers/1/isEqual").asBoolean()).isFalse();
        assertThat(listed.path("matchersText").asText()).isEqualTo("{\"alertname\"=~\"HighLatency.*\", \"namespace\"!=\"dev\"}");

        hub.postWebhook(Fixtures.webhook("webhook-firing-warning"));
        hub.postWebhook(Fixtures.webhook("webhook-firing-critical"));
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> slack.requests().isEmpty());
    }

    @Test
    void badSilencesAreRefusedNamingTheField() {
        String future = Instant.now().plusSeconds(3600).toString();
        assertProblem(post("{\"matchers\":[],\"endsAt\":\"" + future + "\",\"createdBy\":\"a\",\"comment\":\"b\"}"),
                400, "matchers: missing or empty");
        assertProblem(post("{\"matchers\":[{\"name\":\"\",\"value\":\"x\"}],\"endsAt\":\"" + future
                + "\",\"createdBy\":\"a\",\"comment\":\"b\"}"), 400, "matchers[0] (name ''): the label name is empty");
        assertProblem(post("{\"matchers\":[{\"name\":\"a\",\"value\":\"x\"},{\"name\":\"b\",\"value\":\"(\",\"isRegex\":true}],"
                + "\"endsAt\":\"" + future + "\",\"createdBy\":\"a\",\"comment\":\"b\"}"), 400,
                "matchers[1] (name 'b'): not a valid RE2 regex: missing closing )");
        // Java-only regex features are not RE2, as in Alertmanager
        assertProblem(post("{\"matchers\":[{\"name\":\"a\",\"value\":\"(?=x)x\",\"isRegex\":true}],\"endsAt\":\""
                + future + "\",\"createdBy\":\"a\",\"comment\":\"b\"}"), 400, "not a valid RE2 regex");
        assertProblem(post("{\"matchers\":\"{alertname=\\\"a\\\", path=~\\\"(\\\"}\",\"endsAt\":\"" + future
                + "\",\"createdBy\":\"a\",\"comment\":\"b\"}"), 400, "matchers: path=~\"(\": not a valid RE2 regex");
        assertProblem(post("{\"matchers\":\"{alertname=\\\"a\\\"\",\"endsAt\":\"" + future
                + "\",\"createdBy\":\"a\",\"comment\":\"b\"}"), 400, "expected a close brace");
        assertProblem(post("{\"matchers\":[{\"name\":\"a\",\"value\":\".*\",\"isRegex\":true}],\"endsAt\":\"" + future
                + "\",\"createdBy\":\"a\",\"comment\":\"b\"}"), 400, "match every alert");
        assertProblem(post("{\"matchers\":[{\"name\":\"a\",\"value\":\"x\"}],\"endsAt\":\"2020-01-01T00:00:00Z\","
                + "\"createdBy\":\"a\",\"comment\":\"b\"}"), 400, "endsAt");
        assertProblem(post("{\"matchers\":[{\"name\":\"a\",\"value\":\"x\"}],\"endsAt\":\"" + future
                + "\",\"comment\":\"b\"}"), 400, "createdBy");
        assertProblem(post("not json"), 400, "malformed JSON");
        assertProblem(hub.delete("/api/silences/nope"), 404, "does not exist");
        assertThat(json(hub.get("/api/silences").body())).isEmpty();
    }

    private String silence(String template) {
        HttpResponse<String> r = post(template.formatted(Instant.now().plusSeconds(3600)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body()).path("silenceID").asText();
    }

    private HttpResponse<String> post(String body) {
        return hub.post("/api/silences", body.getBytes(StandardCharsets.UTF_8), "application/json", null);
    }
}
