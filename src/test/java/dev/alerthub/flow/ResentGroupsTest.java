package dev.alerthub.flow;

import dev.alerthub.store.Database;
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

import static dev.alerthub.flow.WebhookToSinksTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Alertmanager re-sends every group each group_interval, byte for byte: such a body is answered from
 * memory (intake/ResentBodies) with the same accepted count and no store write, after every check
 * the full path makes; a body that changed in any byte takes the full path and is stored.
 */
class ResentGroupsTest {
    static final String TOKEN = "Bearer s3cret";
    static HttpStub slack;
    static TestHub hub;

    @BeforeAll
    static void start() {
        slack = SinkStubs.slack();
        hub = TestHub.builder().slack(slack).property("alerthub.webhook.token", "s3cret").start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        slack.close();
    }

    @BeforeEach
    void clean() {
        hub.reset();
        slack.clear();
    }

    @Test
    void anUnchangedResendIsAnsweredFromMemoryWithTheSameCountAndNoStoreWrite() {
        byte[] body = Fixtures.webhook("webhook-firing-warning");
        assertThat(post(body).body()).isEqualTo("{\"accepted\":1}");
        long events = count("SELECT COUNT(*) FROM alert_events");
        String updated = text("SELECT CAST(updated_at AS VARCHAR(64)) FROM alerts");
        double resent = resentTotal();

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> again = post(body);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.body()).isEqualTo("{\"accepted\":1}");
        }

        assertThat(resentTotal()).as("answered from the cache of re-sent bodies").isEqualTo(resent + 3);
        assertThat(count("SELECT COUNT(*) FROM alert_events")).as("no new event").isEqualTo(events);
        assertThat(count("SELECT COUNT(*) FROM alerts")).isEqualTo(1);
        assertThat(text("SELECT CAST(updated_at AS VARCHAR(64)) FROM alerts")).as("the alert row is not rewritten")
                .isEqualTo(updated);
    }

    @Test
    void aChangedBodyIsStoredAndTheOldBodyAfterItIsNotAnsweredFromMemory() {
        byte[] body = Fixtures.webhook("webhook-firing-warning");
        byte[] changed = new String(body, StandardCharsets.UTF_8)
                .replace("p95 latency above 500ms on catalog", "p95 latency above 900ms on catalog")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(post(body).statusCode()).isEqualTo(200);
        double resent = resentTotal();

        assertThat(post(changed).body()).isEqualTo("{\"accepted\":1}");
        assertThat(text("SELECT body FROM alerts")).contains("above 900ms");
        // the first body is cached, but its alert is no longer stored so: full path, stored again
        assertThat(post(body).body()).isEqualTo("{\"accepted\":1}");
        assertThat(text("SELECT body FROM alerts")).contains("above 500ms");
        assertThat(resentTotal()).as("neither answered from memory").isEqualTo(resent);
    }

    @Test
    void aCachedBodyStillNeedsTheTokenAndTheContentType() {
        byte[] body = Fixtures.webhook("webhook-firing-warning");
        assertThat(post(body).statusCode()).isEqualTo(200);
        assertThat(post(body).statusCode()).isEqualTo(200);
        double resent = resentTotal();

        assertProblem(hub.post("/webhooks/alertmanager", body, "application/json", "Bearer wrong"), 401, "not valid");
        assertProblem(hub.post("/webhooks/alertmanager", body, "application/json", null), 401, "missing");
        assertProblem(hub.post("/webhooks/alertmanager", body, "text/plain", TOKEN), 415, "Content-Type");
        assertThat(resentTotal()).isEqualTo(resent);
    }

    @Test
    void aBodyThatFailedIsNeverAnsweredFromMemory() {
        byte[] body = Fixtures.webhook("webhook-firing-critical");
        try (TestHub own = TestHub.builder().slack(slack).property("alerthub.webhook.token", "s3cret").start()) {
            own.bean("database", Database.class).close();
            for (int i = 0; i < 2; i++) {
                assertProblem(own.post("/webhooks/alertmanager", body, "application/json", TOKEN), 503,
                        "state store unavailable");
            }
            assertThat(own.get(own.managementUrl("/observe/metrics")).body())
                    .doesNotContain("alerthub_webhook_resent_total{");
        }
    }

    private static HttpResponse<String> post(byte[] body) {
        return hub.post("/webhooks/alertmanager", body, "application/json", TOKEN);
    }

    private static long count(String sql) {
        return hub.bean("database", Database.class).queryLong(sql);
    }

    private static String text(String sql) {
        return hub.bean("database", Database.class).run(c -> {
            try (var ps = c.prepareStatement(sql); var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    private static double resentTotal() {
        return hub.get(hub.managementUrl("/observe/metrics")).body().lines()
                .filter(l -> l.startsWith("alerthub_webhook_resent_total{source=\"alertmanager\"} "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0);
    }
}
