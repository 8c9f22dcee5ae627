package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing the hub acknowledged disappears without a dead letter and a metric: not an alert event
 * the router keeps failing on, not what a full in-memory queue drops, not a second replay.
 * Every seda queue here holds one exchange, so the fast path drops nearly everything.
 */
class NothingDroppedTest {
    static HttpStub pagerDuty;
    static TestHub hub;

    @BeforeAll
    static void start() throws Exception {
        Path routes = TeamRoutingTest.copyOfShippedRoutes();
        Path router = routes.resolve("route/router.camel.yaml");
        // a router with a bug that only one alert meets
        Files.writeString(router, Files.readString(router).replaceFirst("(?m)^      steps:\n", Matcher.quoteReplacement("""
                      steps:
                        - filter:
                            simple: "${header.alertname} == 'Poison'"
                            steps:
                              - throwException:
                                  exceptionType: java.lang.IllegalStateException
                                  message: the router cannot handle Poison
                """)));
        pagerDuty = SinkStubs.pagerDuty();
        hub = TestHub.builder().routesDir(routes).pagerDuty(pagerDuty)
                .property("camel.component.seda.queue-size", "1")
                .property("alerthub.outbox.recovery-age", "3s")
                .property("alerthub.outbox.max-attempts", "3")
                .property("alerthub.delivery.pagerduty-per-minute", "0")
                .start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        pagerDuty.close();
    }

    @BeforeEach
    void clean() {
        hub.reset();
        pagerDuty.clear();
        pagerDuty.setNormal(HttpStub.Response.of(202, "{\"status\":\"success\"}"));
    }

    @Test
    void alertsAFullQueueDroppedAreDeliveredOnceFromTheStore() {
        Instant posted = Instant.now();
        for (int w = 0; w < 4; w++) {
            AlertmanagerWebhook webhook = AlertmanagerWebhook.create();
            for (int i = 0; i < 10; i++) {
                webhook.firing(Map.of("alertname", "Full" + w + "x" + i, "severity", "critical"),
                        Map.of("summary", "queue test"), posted.minusSeconds(60));
            }
            assertThat(hub.postWebhook(webhook.bytes()).statusCode()).isEqualTo(200);
        }
        // with every queue one place deep, the poller re-queues a few rows a round: slow on purpose, never lost
        await().atMost(Duration.ofSeconds(180)).until(() -> pagerDuty.accepted().size() >= 40);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> pagerDuty.accepted().size() == 40);
        System.out.println("40 pages through one-place queues in "
                + Duration.between(posted, pagerDuty.accepted().get(39).at()).toMillis() + " ms");
        Map<String, Long> perAlert = pagerDuty.accepted().stream()
                .collect(Collectors.groupingBy(r -> json(r.body()).path("dedup_key").asText(), Collectors.counting()));
        assertThat(perAlert).hasSize(40).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
        assertThat(pagerDuty.accepted()).as("some pages came from the store's recovery poller (the fast path takes "
                        + "milliseconds; the poller leaves a new row 3 s to it): the queues did fill")
                .anySatisfy(r -> assertThat(r.at()).isAfter(posted.plusSeconds(3)));
        assertThat(hub.get("/api/dead-letters").body()).isEqualTo("[]");
    }

    @Test
    void replayingTheSameDeadLetterTwiceSendsOnceAndAnswers409() {
        pagerDuty.thenRespond(HttpStub.Response.of(400, "{\"status\":\"invalid event\"}"));
        hub.postWebhook(alert("Refused"));
        await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters().size() == 1);
        long id = deadLetters().get(0).path("id").asLong();

        HttpResponse<String> first = hub.post("/api/dead-letters/" + id + "/replay", new byte[0], null, null);
        assertThat(first.statusCode()).isEqualTo(200);
        HttpResponse<String> second = hub.post("/api/dead-letters/" + id + "/replay", new byte[0], null, null);
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(json(second.body()).path("message").asText()).contains("dead letter " + id)
                .contains("already replayed");
        assertThat(pagerDuty.accepted()).as("sent once, by the first replay").hasSize(1);
    }

    @Test
    void anAlertTheRouterKeepsFailingOnIsADeadLetterWithAMetricAndReplayRoutesItAgain() {
        assertThat(hub.postWebhook(alert("Poison")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters().size() == 1);
        JsonNode dead = deadLetters().get(0);
        assertThat(dead.path("sink").asText()).isEqualTo("route");
        assertThat(dead.path("alertname").asText()).isEqualTo("Poison");
        assertThat(dead.path("attempts").asInt()).isEqualTo(3);
        assertThat(dead.path("lastError").asText()).contains("the router cannot handle Poison");
        assertThat(hub.get(hub.managementUrl("/observe/metrics")).body())
                .containsPattern("(?m)^alerthub_events_failed_total(\\{[^}]*\\})? 1\\.0$");

        HttpResponse<String> replay = hub.post("/api/dead-letters/" + dead.path("id").asLong() + "/replay",
                new byte[0], null, null);
        assertThat(replay.statusCode()).isEqualTo(200);
        await("routed again: fails again, and is kept again").atMost(Duration.ofSeconds(30))
                .until(() -> deadLetters().size() == 2);
        assertThat(pagerDuty.requests()).isEmpty();
    }

    private static byte[] alert(String name) {
        return AlertmanagerWebhook.create().firing(Map.of("alertname", name, "severity", "critical"),
                Map.of("summary", name), Instant.now().minusSeconds(60)).bytes();
    }

    private static List<JsonNode> deadLetters() {
        JsonNode all = json(hub.get("/api/dead-letters").body());
        return java.util.stream.StreamSupport.stream(all.spliterator(), false).toList();
    }

    private static JsonNode json(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception e) {
            throw new AssertionError(body, e);
        }
    }

}
