package dev.alerthub.flow;

import dev.alerthub.store.Database;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.alerthub.flow.WebhookToSinksTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The bearer token (401) and an unavailable store (503): refused requests change nothing. */
class WebhookGuardsTest {

    @Test
    void withATokenSetOnlyTheRightBearerTokenGetsIn() {
        try (HttpStub slack = SinkStubs.slack();
             TestHub hub = TestHub.builder().slack(slack).property("alerthub.webhook.token", "s3cret").start()) {
            byte[] body = Fixtures.webhook("webhook-firing-warning");
            HttpResponse<String> none = hub.post("/webhooks/alertmanager", body, "application/json", null);
            assertProblem(none, 401, "Authorization: missing");
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"alerthub\"");
            assertProblem(hub.post("/webhooks/alertmanager", body, "application/json", "Bearer s3cre"), 401,
                    "not valid");
            assertProblem(hub.post("/webhooks/alertmanager", body, "application/json", "Basic czNjcmV0"), 401,
                    "not valid");
            // an unauthenticated caller learns nothing about the body: 401 before 415
            assertProblem(hub.post("/webhooks/alertmanager", body, "text/plain", null), 401, "Authorization");
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> slack.requests().isEmpty());
            assertThat(hub.get("/api/alerts").body()).isEqualTo("[]");

            HttpResponse<String> ok = hub.post("/webhooks/alertmanager", body, "application/json", "Bearer s3cret");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("Authorization")).as("request headers are not echoed").isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 1);
        }
    }

    @Test
    void anUnavailableStoreAnswers503SoAlertmanagerRetriesAndNothingIsSent() {
        try (HttpStub pagerDuty = SinkStubs.pagerDuty();
             TestHub hub = TestHub.builder().pagerDuty(pagerDuty).start()) {
            hub.bean("database", Database.class).close();
            HttpResponse<String> r = hub.postWebhook(Fixtures.webhook("webhook-firing-critical"));
            assertProblem(r, 503, "state store unavailable");
            assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
            // bad input is still a 4xx, never a 5xx, even with the store down
            assertProblem(hub.post("/webhooks/alertmanager", "{".getBytes(), "application/json", null), 400,
                    "malformed JSON");
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> pagerDuty.requests().isEmpty());
        }
    }
}
