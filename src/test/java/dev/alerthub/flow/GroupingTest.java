package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import dev.alerthub.alert.Json;
import dev.alerthub.store.AlertGroups;
import dev.alerthub.support.AllSinks;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Alert storms through the real routes (docs/sinks.md#grouping): an Alertmanager group that grows
 * makes one Slack message per change of the group, not one per alert; a large group of criticals is
 * one PagerDuty incident; a small one still pages per alert.
 */
class GroupingTest {
    /** Recent, so no escalation or reminder (docs/lifecycle.md) joins in. */
    static final java.time.Instant STARTS_AT = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
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
    }

    @Test
    void aGroupGrowingTo300WarningsMakesAtMostThreeSlackMessagesAndResolvingItAtMostThreeMore() {
        // Alertmanager sends the whole group on every change: 100, then 200, then 300 within a second
        java.time.Instant posted = java.time.Instant.now();
        for (int size : new int[] {100, 200, 300}) {
            assertThat(hub.postWebhook(group("storm", "warning", size, "firing")).statusCode()).isEqualTo(200);
        }
        // routing 300 alerts takes a while on a loaded machine: a group message waits for it (at most group-hold)
        await().atMost(Duration.ofSeconds(120)).until(() -> lastText(slack).contains("300 alerts (300 firing"));
        System.out.printf("300-warning storm: %d Slack message(s), the full count %d ms after the first post%n",
                slack.accepted().size(), Duration.between(posted, slack.accepted().get(slack.accepted().size() - 1).at())
                        .toMillis());
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> slack.requests().size() <= 3);
        int firingMessages = slack.accepted().size();
        assertThat(firingMessages).as("messages for the firing storm").isBetween(1, 3);
        JsonNode last = json(slack.accepted().get(firingMessages - 1).body());
        assertThat(last.toString()).contains("By alertname: NodeNotReady 100, PodPending 100, ServiceDown 100")
                .contains("…and 290 more").contains("By namespace: ns-0 75, ns-1 75, ns-2 75, ns-3 75");
        assertThat(last.path("blocks").get(1).path("fields").toString()).contains("*Total*\\n300");

        assertThat(hub.postWebhook(group("storm", "warning", 300, "resolved")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(120)).until(() -> lastText(slack).contains("300 alerts (0 firing, 300 resolved)"));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                .until(() -> slack.requests().size() <= firingMessages + 3);
        assertThat(slack.accepted().size() - firingMessages).as("messages for the resolution").isBetween(1, 3);
        assertThat(json(slack.accepted().get(slack.accepted().size() - 1).body()).path("text").asText())
                .startsWith("[RESOLVED] 300 alerts");
        assertThat(slack.violations()).isEmpty();
    }

    @Test
    void aGroupOf50CriticalsIsOnePagerDutyIncidentThatSays50AndResolvesWithTheSameDedupKey() {
        assertThat(hub.postWebhook(group("crit", "critical", 50, "firing")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> pagerDuty.requests().size() == 1);
        JsonNode trigger = json(pagerDuty.accepted().get(0).body());
        assertThat(trigger.path("event_action").asText()).isEqualTo("trigger");
        assertThat(trigger.path("dedup_key").asText()).startsWith("group:");
        assertThat(trigger.at("/payload/summary").asText()).startsWith("[FIRING] 50 critical alerts: ");
        assertThat(trigger.at("/payload/custom_details/firing").asInt()).isEqualTo(50);
        assertThat(trigger.at("/payload/custom_details/alerts")).hasSize(50);

        assertThat(hub.postWebhook(group("crit", "critical", 50, "resolved")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 2);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> pagerDuty.requests().size() == 2);
        JsonNode resolve = json(pagerDuty.accepted().get(1).body());
        assertThat(resolve.path("event_action").asText()).isEqualTo("resolve");
        assertThat(resolve.path("dedup_key").asText()).isEqualTo(trigger.path("dedup_key").asText());
        assertThat(pagerDuty.violations()).isEmpty();
    }

    @Test
    void aGroupOfTenCriticalsStillPagesPerAlert() {
        assertThat(hub.postWebhook(group("few", "critical", 10, "firing")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> pagerDuty.accepted().size() == 10);
        assertThat(pagerDuty.accepted()).extracting(r -> json(r.body()).path("dedup_key").asText())
                .noneMatch(k -> k.startsWith("group:")).doesNotHaveDuplicates();
    }

    @Test
    void aGroupSentByEmailIsOneMailPerChangeAndItsFiringMembersAreKnownForAcknowledging() throws Exception {
        assertThat(hub.postWebhook(group("mail", "info", 30, "firing")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length >= 1
                && smtp.getReceivedMessages()[smtp.getReceivedMessages().length - 1].getSubject().contains("30 alerts"));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> smtp.getReceivedMessages().length <= 2);
        long groupId = hub.bean("database", dev.alerthub.store.Database.class)
                .queryLong("SELECT id FROM alert_groups WHERE sink = 'email'");
        assertThat(hub.bean("alertGroups", AlertGroups.class).firingIn(groupId)).hasSize(30);
    }

    /** One Alertmanager group of {@code size} alerts: 3 alertnames, 4 namespaces. */
    static byte[] group(String name, String severity, int size, String status) {
        List<Map<String, Object>> alerts = IntStream.range(0, size).mapToObj(i -> Map.<String, Object>of(
                "status", status,
                "labels", Map.of("alertname", List.of("NodeNotReady", "PodPending", "ServiceDown").get(i % 3),
                        "severity", severity, "namespace", "ns-" + (i % 4), "pod", name + "-" + i),
                "annotations", Map.of("summary", name + " alert " + i),
                "startsAt", STARTS_AT.toString(),
                "endsAt", status.equals("firing") ? "0001-01-01T00:00:00Z" : STARTS_AT.plusSeconds(60).toString(),
                "generatorURL", "", "fingerprint", "")).toList();
        return Json.write(Map.of("version", "4", "status", status, "receiver", "hub",
                "groupKey", "{}:{group=\"" + name + "\"}", "alerts", alerts)).getBytes(StandardCharsets.UTF_8);
    }

    private static String lastText(HttpStub stub) {
        List<HttpStub.Request> accepted = stub.accepted();
        return accepted.isEmpty() ? "" : json(accepted.get(accepted.size() - 1).body()).path("text").asText();
    }

    private static JsonNode json(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
