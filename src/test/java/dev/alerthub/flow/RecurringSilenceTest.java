package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.store.Database;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.SlackPosts;
import dev.alerthub.support.TestClock;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static dev.alerthub.flow.WebhookToSinksTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recurring silences (maintenance windows, docs/lifecycle.md#maintenance-windows) through the real
 * routes on a test clock: a silence naming a time interval mutes while the interval is active, and
 * when its window closes what it muted and still fires is told, once.
 */
class RecurringSilenceTest {
    static final String INTERVALS = """
            - name: sunday-maintenance
              time_intervals:
                - times: [{start_time: "02:00", end_time: "04:00"}]
                  weekdays: ['sunday']
                  location: Europe/Berlin
            """;
    // Sunday 2026-12-06 03:00 in Berlin (CET) = 02:00 UTC: inside the window
    static final Instant IN_WINDOW = Instant.parse("2026-12-06T02:00:00Z");
    // 04:00 CET: the window has closed
    static final Instant WINDOW_CLOSED = Instant.parse("2026-12-06T03:00:00Z");
    static final Map<String, String> BATCH_SLOW = Map.of("alertname", "BatchSlow", "severity", "warning",
            "namespace", "etl");

    static TestClock clock;
    static HttpStub slack;
    static TestHub hub;

    @BeforeAll
    static void start() throws IOException {
        Path intervals = Files.createTempDirectory("intervals").resolve("time-intervals.yaml");
        Files.writeString(intervals, INTERVALS);
        clock = new TestClock(IN_WINDOW);
        slack = SinkStubs.slack();
        hub = TestHub.builder().slack(slack).bean("clock", clock)
                .property("alerthub.time-intervals.file", intervals.toString())
                .property("alerthub.silences.sweep-interval", "200")
                .start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        slack.close();
    }

    @BeforeEach
    void clean() {
        clock.set(IN_WINDOW);
        hub.reset();
        slack.clear();
    }

    @Test
    void aRecurringSilenceMutesInsideItsWindowAndTellsWhatStillFiresWhenItCloses() {
        String id = silence("{\"matchers\":[{\"name\":\"namespace\",\"value\":\"etl\"}],"
                + "\"timeInterval\":\"sunday-maintenance\",\"createdBy\":\"sre\",\"comment\":\"weekly batch window\"}");
        byte[] firing = AlertmanagerWebhook.create().firing(BATCH_SLOW, Map.of("summary", "batch slow"),
                Instant.now().truncatedTo(ChronoUnit.HOURS)).bytes();
        post(firing);
        awaitEvents("firing", 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> post(firing) && SlackPosts.about(slack, "BatchSlow").isEmpty());
        JsonNode alert = json(hub.get("/api/alerts").body()).get(0);
        assertThat(alert.path("silencedBy").asText()).isEqualTo(id);

        clock.set(WINDOW_CLOSED);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> post(firing) && SlackPosts.firing(slack, "BatchSlow") == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(200))
                .until(() -> post(firing) && SlackPosts.firing(slack, "BatchSlow") == 1);
    }

    @Test
    void outsideItsWindowARecurringSilenceMutesNothingAndTheListSaysPending() {
        clock.set(WINDOW_CLOSED);
        silence("{\"matchers\":\"{namespace=\\\"etl\\\"}\",\"timeInterval\":\"sunday-maintenance\","
                + "\"createdBy\":\"sre\",\"comment\":\"weekly batch window\"}");
        post(AlertmanagerWebhook.create().firing(BATCH_SLOW, Map.of("summary", "batch slow"),
                Instant.now().truncatedTo(ChronoUnit.HOURS)).bytes());
        await().atMost(Duration.ofSeconds(10)).until(() -> SlackPosts.firing(slack, "BatchSlow") == 1);

        JsonNode listed = json(hub.get("/api/silences").body()).get(0);
        assertThat(listed.path("timeInterval").asText()).isEqualTo("sunday-maintenance");
        assertThat(listed.path("status").path("state").asText()).isEqualTo("pending");
        assertThat(listed.path("endsAt").isNull()).as("it ends when deleted").isTrue();
        clock.set(IN_WINDOW);
        assertThat(json(hub.get("/api/silences").body()).get(0).path("status").path("state").asText())
                .isEqualTo("active");
    }

    @Test
    void anUnknownTimeIntervalIsA400NamingItAndTheDefinedOnes() {
        HttpResponse<String> r = postSilence("{\"matchers\":[{\"name\":\"namespace\",\"value\":\"etl\"}],"
                + "\"timeInterval\":\"sunday-maintenace\",\"createdBy\":\"sre\",\"comment\":\"c\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("message").asText()).contains("'sunday-maintenace' is not defined")
                .contains("did you mean 'sunday-maintenance'");
    }

    @Test
    void aTimeIntervalTogetherWithStartsAtOrEndsAtIsA400() {
        HttpResponse<String> r = postSilence("{\"matchers\":[{\"name\":\"namespace\",\"value\":\"etl\"}],"
                + "\"timeInterval\":\"sunday-maintenance\",\"endsAt\":\"2027-01-01T00:00:00Z\","
                + "\"createdBy\":\"sre\",\"comment\":\"c\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("message").asText()).contains("timeInterval").contains("not both");
    }

    private String silence(String body) {
        HttpResponse<String> r = postSilence(body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body()).path("silenceID").asText();
    }

    private HttpResponse<String> postSilence(String body) {
        return hub.post("/api/silences", body.getBytes(StandardCharsets.UTF_8), "application/json", null);
    }

    private boolean post(byte[] webhook) {
        HttpResponse<String> r = hub.postWebhook(webhook);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return true;
    }

    private void awaitEvents(String status, int n) {
        Database db = hub.bean("database", Database.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryLong(
                "SELECT COUNT(*) FROM alert_events WHERE status = ? AND state NOT IN ('PENDING', 'ROUTING')",
                status) == n);
    }
}
