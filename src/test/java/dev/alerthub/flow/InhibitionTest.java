package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Fingerprints;
import dev.alerthub.lifecycle.InhibitRules;
import dev.alerthub.store.Database;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.SlackPosts;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.stream.StreamSupport;

import static dev.alerthub.flow.WebhookToSinksTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Inhibition (config/inhibit-rules.yaml, docs/lifecycle.md#inhibition) through the real routes: a
 * firing NodeDown mutes the warnings of the same node (equal: [node]), which are stored and shown
 * with inhibitedBy but neither notified nor remediated, and told once the NodeDown resolves while
 * they still fire. Alertmanager's re-sends are re-posted while waiting, to show they alone change
 * nothing.
 */
class InhibitionTest {
    static final String RULES = """
            # a node that is down explains every warning on it
            - name: node-down-hides-its-warnings
              source_matchers: ['alertname="NodeDown"', 'severity="critical"']
              target_matchers: ['severity="warning"']
              equal: [node]
            """;
    static final Map<String, String> NODE_DOWN = Map.of("alertname", "NodeDown", "severity", "critical", "node", "n1");
    static final Map<String, String> ON_N1 = Map.of("alertname", "PodCrashLooping", "severity", "warning", "node", "n1",
            "namespace", "shop", "deployment", "web", "action", "restart");
    static final Map<String, String> ON_N2 = Map.of("alertname", "DiskSlow", "severity", "warning", "node", "n2");

    static Path rulesFile;
    static HttpStub slack;
    static HttpStub pagerDuty;
    static TestHub hub;

    @BeforeAll
    static void start() throws IOException {
        rulesFile = Files.createTempDirectory("inhibit").resolve("inhibit-rules.yaml");
        Files.writeString(rulesFile, RULES);
        slack = SinkStubs.slack();
        pagerDuty = SinkStubs.pagerDuty();
        hub = TestHub.builder().slack(slack).pagerDuty(pagerDuty)
                .property("alerthub.inhibit.rules-file", rulesFile.toString())
                .property("alerthub.silences.sweep-interval", "200")
                .start();
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
    void aFiringSourceInhibitsTargetsWithTheSameEqualLabelsOnlyAndTheApiSaysBy() {
        post(firing(NODE_DOWN));
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);
        post(firing(ON_N1));
        post(firing(ON_N2));
        awaitEvents("firing", 3);

        await().atMost(Duration.ofSeconds(10)).until(() -> SlackPosts.firing(slack, "DiskSlow") == 1);
        assertThat(SlackPosts.firing(slack, "PodCrashLooping")).as("n1's warning is inhibited by NodeDown on n1")
                .isZero();
        assertThat(db().queryLong("SELECT COUNT(*) FROM remediation_actions WHERE fingerprint = ?",
                Fingerprints.of(ON_N1))).as("an inhibited alert asks for no remediation").isZero();

        JsonNode alerts = json(hub.get("/api/alerts").body());
        JsonNode onN1 = byName(alerts, "PodCrashLooping");
        assertThat(onN1.path("status").asText()).as("stored, firing").isEqualTo("firing");
        assertThat(onN1.path("inhibitedBy").path("rule").asText()).isEqualTo("node-down-hides-its-warnings");
        assertThat(onN1.path("inhibitedBy").path("sourceFingerprint").asText()).isEqualTo(Fingerprints.of(NODE_DOWN));
        assertThat(byName(alerts, "DiskSlow").has("inhibitedBy")).as("n2 has no NodeDown").isFalse();
        assertThat(byName(alerts, "NodeDown").has("inhibitedBy")).as("an alert never inhibits itself").isFalse();
    }

    @Test
    void whenTheSourceResolvesAStillFiringTargetIsNotifiedOnce() {
        post(firing(NODE_DOWN));
        byte[] target = firing(ON_N1);
        post(target);
        awaitEvents("firing", 2);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> post(target) && SlackPosts.about(slack, "PodCrashLooping").isEmpty());

        post(AlertmanagerWebhook.create().resolved(NODE_DOWN, Map.of("summary", "n1 down"), since(),
                Instant.now()).bytes());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> post(target) && SlackPosts.firing(slack, "PodCrashLooping") == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(200))
                .until(() -> post(target) && SlackPosts.firing(slack, "PodCrashLooping") == 1);
        assertThat(json(hub.get("/api/alerts").body()).findValues("inhibitedBy")).as("nothing inhibited now").isEmpty();
    }

    @Test
    void aTargetThatResolvesWhileInhibitedIsNeverTold() {
        post(firing(NODE_DOWN));
        post(firing(ON_N1));
        awaitEvents("firing", 2);
        post(AlertmanagerWebhook.create().resolved(ON_N1, Map.of("summary", "crash"), since(), Instant.now()).bytes());
        post(AlertmanagerWebhook.create().resolved(NODE_DOWN, Map.of("summary", "n1 down"), since(),
                Instant.now()).bytes());
        awaitEvents("resolved", 2);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> SlackPosts.about(slack, "PodCrashLooping").isEmpty());
    }

    @Test
    void aRuleRemovedFromTheFileReleasesWhatItInhibitedAndABrokenEditKeepsTheRules() throws IOException {
        InhibitRules rules = hub.bean("inhibitRules", InhibitRules.class);
        post(firing(NODE_DOWN));
        byte[] target = firing(ON_N1);
        post(target);
        awaitEvents("firing", 2);
        try {
            Files.writeString(rulesFile, RULES.replace("equal: [node]", "equal: [node"));
            assertThat(rules.reload()).as("a broken edit changes nothing").isFalse();
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> post(target) && SlackPosts.about(slack, "PodCrashLooping").isEmpty());

            Files.writeString(rulesFile, "[]\n");
            assertThat(rules.reload()).isTrue();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> post(target) && SlackPosts.firing(slack, "PodCrashLooping") == 1);
        } finally {
            Files.writeString(rulesFile, RULES);
            rules.reload();
        }
    }

    static Instant since() {
        return Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofMinutes(30));
    }

    static byte[] firing(Map<String, String> labels) {
        return AlertmanagerWebhook.create().firing(labels, Map.of("summary", labels.get("alertname") + " on "
                + labels.get("node")), since()).bytes();
    }

    static JsonNode byName(JsonNode alerts, String alertname) {
        return StreamSupport.stream(alerts.spliterator(), false)
                .filter(a -> a.path("alertname").asText().equals(alertname)).findFirst().orElseThrow();
    }

    private Database db() {
        return hub.bean("database", Database.class);
    }

    private boolean post(byte[] webhook) {
        HttpResponse<String> r = hub.postWebhook(webhook);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return true;
    }

    private void awaitEvents(String status, int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> db().queryLong(
                "SELECT COUNT(*) FROM alert_events WHERE status = ? AND state NOT IN ('PENDING', 'ROUTING')",
                status) == n);
    }
}
