package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.store.Database;
import dev.alerthub.support.AlertmanagerWebhook;
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
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static dev.alerthub.flow.WebhookToSinksTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What happens when a silence ends, and to resolves while a silence matches, through the real
 * routes. Alertmanager keeps re-sending a group every group_interval: the tests re-post the same
 * webhook while they wait, as Alertmanager would, to show that the re-sends alone change nothing.
 */
class SilenceEndTest {
    static final Map<String, String> DISK_FULL = Map.of("alertname", "DiskFull", "severity", "critical",
            "namespace", "shop", "instance", "db-1");
    static HttpStub pagerDuty;
    static TestHub hub;

    @BeforeAll
    static void start() {
        pagerDuty = SinkStubs.pagerDuty();
        hub = TestHub.builder().pagerDuty(pagerDuty).property("alerthub.silences.sweep-interval", "200").start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        pagerDuty.close();
    }

    @BeforeEach
    void clean() {
        pagerDuty.setNormal(HttpStub.Response.of(202, "{\"status\":\"success\",\"message\":\"Event processed\"}"));
        hub.reset();
        pagerDuty.clear();
    }

    @Test
    void anAlertMutedByASilenceThatExpiresIsPagedOnceWhileAlertmanagerKeepsResending() {
        silence("alertname", "DiskFull", Instant.now().plusSeconds(2));
        byte[] firing = firing(DISK_FULL, occurrence(0));
        post(firing);
        awaitEvents("firing", 1);
        assertThat(pagerDuty.requests()).as("muted while the silence is active").isEmpty();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> post(firing) && pagerDuty.accepted().size() == 1);
        assertThat(action(pagerDuty.accepted().get(0))).isEqualTo("trigger");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(200))
                .until(() -> post(firing) && pagerDuty.requests().size() == 1);
    }

    @Test
    void deletingASilenceNotifiesTheStillFiringAlertsItMutedOnce() {
        String id = silence("alertname", "DiskFull", Instant.now().plusSeconds(3600));
        byte[] firing = firing(DISK_FULL, occurrence(0));
        post(firing);
        awaitEvents("firing", 1);

        assertThat(hub.delete("/api/silences/" + id).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> pagerDuty.accepted().size() == 1);
        assertThat(json(pagerDuty.accepted().get(0).body()).path("dedup_key").asText())
                .isEqualTo(dev.alerthub.alert.Fingerprints.of(DISK_FULL));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(200))
                .until(() -> post(firing) && pagerDuty.requests().size() == 1);
    }

    @Test
    void anAlertStaysMutedWhileAnotherActiveSilenceStillMatchesIt() {
        String first = silence("alertname", "DiskFull", Instant.now().plusSeconds(3600));
        silence("instance", "db-1", Instant.now().plusSeconds(3600));
        post(firing(DISK_FULL, occurrence(0)));
        awaitEvents("firing", 1);

        assertThat(hub.delete("/api/silences/" + first).statusCode()).isEqualTo(200);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> pagerDuty.requests().isEmpty());
    }

    @Test
    void theResolveOfAFiringThatWasRoutedIsDeliveredEvenIfItsPageWasStillPendingWhenASilenceStarted() {
        // PagerDuty is down: the trigger is routed, but not yet accepted (nothing "notified" yet)
        pagerDuty.setNormal(HttpStub.Response.of(500, "{\"status\":\"unavailable\"}"));
        post(firing(DISK_FULL, occurrence(0)));
        await().atMost(Duration.ofSeconds(5)).until(() -> !pagerDuty.requests().isEmpty());
        silence("alertname", "DiskFull", Instant.now().plusSeconds(3600));
        post(resolved(DISK_FULL, occurrence(0)));
        awaitEvents("resolved", 1);
        pagerDuty.setNormal(HttpStub.Response.of(202, "{\"status\":\"success\",\"message\":\"Event processed\"}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().stream()
                .anyMatch(r -> action(r).equals("resolve")));
        JsonNode resolve = json(pagerDuty.accepted().stream().filter(r -> action(r).equals("resolve"))
                .findFirst().orElseThrow().body());
        assertThat(resolve.path("dedup_key").asText()).isEqualTo(dev.alerthub.alert.Fingerprints.of(DISK_FULL));
    }

    @Test
    void theResolveOfAPagedAlertIsDeliveredWhenASilenceMatchesAndAlertmanagerSendsItWithANewStartsAt() {
        // Alertmanager does this when a resolve is posted with an endsAt before the firing's startsAt
        post(firing(DISK_FULL, occurrence(1)));
        await().atMost(Duration.ofSeconds(5)).until(() -> pagerDuty.accepted().size() == 1);
        silence("alertname", "DiskFull", Instant.now().plusSeconds(3600));
        post(resolved(DISK_FULL, occurrence(0)));
        await().atMost(Duration.ofSeconds(5)).until(() -> pagerDuty.accepted().size() == 2);
        assertThat(actions(pagerDuty)).containsExactly("trigger", "resolve");
    }

    @Test
    void theResolveOfAnOccurrenceNobodyHeardOfNotifiesNobodyEvenIfAnEarlierOccurrencePaged() {
        post(firing(DISK_FULL, occurrence(0)));
        post(resolved(DISK_FULL, occurrence(0)));
        await().atMost(Duration.ofSeconds(5)).until(() -> pagerDuty.accepted().size() == 2);

        silence("alertname", "DiskFull", Instant.now().plusSeconds(3600));
        post(firing(DISK_FULL, occurrence(1)));
        post(resolved(DISK_FULL, occurrence(1)));
        awaitEvents("resolved", 2);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> pagerDuty.requests().size() == 2);
    }

    @Test
    void anAlertSilencedThroughoutItsLifeNotifiesNobodyWhenTheSilenceEndsAfterwards() {
        String id = silence("alertname", "DiskFull", Instant.now().plusSeconds(3600));
        post(firing(DISK_FULL, occurrence(0)));
        post(resolved(DISK_FULL, occurrence(0)));
        awaitEvents("resolved", 1);
        assertThat(hub.delete("/api/silences/" + id).statusCode()).isEqualTo(200);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> pagerDuty.requests().isEmpty());
    }

    static Instant occurrence(int n) {
        return Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofMinutes(50 - n * 10));
    }

    static byte[] firing(Map<String, String> labels, Instant startsAt) {
        return AlertmanagerWebhook.create().firing(labels, Map.of("summary", "disk full"), startsAt).bytes();
    }

    static byte[] resolved(Map<String, String> labels, Instant startsAt) {
        return AlertmanagerWebhook.create().resolved(labels, Map.of("summary", "disk full"), startsAt,
                startsAt.plusSeconds(300)).bytes();
    }

    private boolean post(byte[] webhook) {
        HttpResponse<String> r = hub.postWebhook(webhook);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return true;
    }

    /** Waits until the router has finished with this many events of this status (routed or muted). */
    private void awaitEvents(String status, int n) {
        Database db = hub.bean("database", Database.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> db.queryLong(
                "SELECT COUNT(*) FROM alert_events WHERE status = ? AND state NOT IN ('PENDING', 'ROUTING')",
                status) == n);
    }

    private String silence(String label, String value, Instant endsAt) {
        String body = """
                {"matchers":[{"name":"%s","value":"%s"}],"endsAt":"%s","createdBy":"sre","comment":"maintenance"}"""
                .formatted(label, value, endsAt);
        HttpResponse<String> r = hub.post("/api/silences", body.getBytes(StandardCharsets.UTF_8), "application/json",
                null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body()).path("silenceID").asText();
    }

    private static String action(HttpStub.Request r) {
        return json(r.body()).path("event_action").asText();
    }

    static List<String> actions(HttpStub stub) {
        return stub.accepted().stream().map(SilenceEndTest::action).toList();
    }
}
