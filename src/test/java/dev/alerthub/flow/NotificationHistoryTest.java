package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Fingerprints;
import dev.alerthub.store.Database;
import dev.alerthub.store.Housekeeping;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.alerthub.flow.WebhookToSinksTest.assertProblem;
import static dev.alerthub.flow.WebhookToSinksTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** GET /api/notifications: every delivery attempt, through the real routes (docs/lifecycle.md#notification-history). */
class NotificationHistoryTest {
    static final Map<String, String> SLOW = Map.of("alertname", "SlowCheckout", "severity", "warning",
            "namespace", "shop", "deployment", "checkout");
    static HttpStub slack;
    static TestHub hub;

    @BeforeAll
    static void start() {
        slack = SinkStubs.slack();
        hub = TestHub.builder().slack(slack).start();
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
    void aDeliveryRetriedAfterA500ThenSentListsBothAttemptsNewestFirstWithTheirStatuses() {
        slack.thenRespond(HttpStub.Response.of(500, "internal_error"));
        String fp = Fingerprints.of(SLOW);
        hub.postWebhook(AlertmanagerWebhook.create().firing(SLOW, Map.of("summary", "slow"), Instant.now()).bytes());
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 1);
        assertThat(slack.requests()).hasSize(2);

        String link = json(hub.get("/api/alerts/" + fp).body()).path("notifications").asText();
        await().atMost(Duration.ofSeconds(5)).until(() -> json(hub.get(link).body()).size() == 2);
        JsonNode attempts = json(hub.get(link).body());

        assertThat(attempts.get(0).path("outcome").asText()).isEqualTo("sent");
        assertThat(attempts.get(0).path("httpStatus").asInt()).isEqualTo(200);
        assertThat(attempts.get(1).path("outcome").asText()).isEqualTo("retry");
        assertThat(attempts.get(1).path("httpStatus").asInt()).isEqualTo(500);
        assertThat(attempts.get(1).path("error").asText()).contains("HTTP 500").contains("internal_error");
        for (JsonNode a : attempts) {
            assertThat(a.path("sink").asText()).isEqualTo("slack");
            assertThat(a.path("target").asText()).isEqualTo("default");
            assertThat(a.path("fingerprint").asText()).isEqualTo(fp);
            assertThat(a.path("time").asText()).isNotEmpty();
        }
        assertThat(Instant.parse(attempts.get(0).path("time").asText()))
                .isAfterOrEqualTo(Instant.parse(attempts.get(1).path("time").asText()));
        assertThat(hub.get(link).body()).as("never the webhook URL").doesNotContain("/services/T000");
    }

    @Test
    void filtersBySinkAndLimitsAndRefusesABadLimit() {
        slack.thenRespond(HttpStub.Response.of(503, "down"));
        hub.postWebhook(AlertmanagerWebhook.create().firing(SLOW, Map.of("summary", "slow"), Instant.now()).bytes());
        await().atMost(Duration.ofSeconds(10)).until(() -> json(hub.get("/api/notifications").body()).size() == 2);

        assertThat(json(hub.get("/api/notifications?sink=slack&limit=1").body())).hasSize(1);
        assertThat(json(hub.get("/api/notifications?sink=pagerduty").body())).isEmpty();
        assertThat(json(hub.get("/api/notifications?fingerprint=0000000000000000").body())).isEmpty();
        assertProblem(hub.get("/api/notifications?limit=0"), 400, "limit");
    }

    @Test
    void housekeepingRemovesAttemptsOlderThanTheHistoryRetention() throws Exception {
        hub.postWebhook(AlertmanagerWebhook.create().firing(SLOW, Map.of("summary", "slow"), Instant.now()).bytes());
        await().atMost(Duration.ofSeconds(10)).until(() -> json(hub.get("/api/notifications").body()).size() == 1);
        Database db = hub.bean("database", Database.class);
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO notification_attempts (sink, target, outcome, attempted_at)"
                    + " VALUES ('slack', 'default', 'sent', TIMESTAMP WITH TIME ZONE '2020-01-01 00:00:00+00')");
        }
        assertThat(json(hub.get("/api/notifications").body())).hasSize(2);

        Map<String, Integer> removed = hub.bean("housekeeping", Housekeeping.class).purge();

        assertThat(removed).containsEntry("notification_attempts", 1);
        assertThat(json(hub.get("/api/notifications").body())).hasSize(1);
    }
}
