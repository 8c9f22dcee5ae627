package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A sink outage on the real clock (about two minutes): PagerDuty answers 500 for 90 s and Slack 429
 * with Retry-After for 30 s while alerts keep arriving. The webhook answers 200 throughout, every
 * alert is delivered once afterwards, Slack never gets more than one message a second, PagerDuty
 * is probed rather than hammered while down, and nothing becomes a dead letter (the default
 * give-up-after is an hour). Backoff is capped at 20 s here (1 min by default) to bound the test.
 */
class SinkOutageTest {
    static final int WEBHOOKS = 24;

    @Test
    void anOutageOfBothSinksDeliversEverythingOnceAfterwardsWithinRateLimitsAndWithoutDeadLetters() throws Exception {
        ScheduledExecutorService alertmanager = Executors.newSingleThreadScheduledExecutor();
        try (HttpStub pagerDuty = SinkStubs.pagerDuty(); HttpStub slack = SinkStubs.slack();
             TestHub hub = TestHub.builder().pagerDuty(pagerDuty).slack(slack)
                     .property("alerthub.delivery.initial-delay", "1s")
                     .property("alerthub.delivery.max-delay", "20s")
                     .property("alerthub.delivery.give-up-after", "1h")
                     .property("alerthub.delivery.breaker.open-for", "10s")
                     .start()) {
            Instant start = Instant.now();
            pagerDuty.outage(HttpStub.Response.of(500, "{\"status\":\"internal error\"}"), Duration.ofSeconds(90));
            slack.outage(new HttpStub.Response(429, Map.of("Retry-After", "5"), "rate_limited"), Duration.ofSeconds(30));

            List<Integer> answers = new CopyOnWriteArrayList<>();
            AtomicInteger sent = new AtomicInteger();
            alertmanager.scheduleAtFixedRate(() -> {
                int i = sent.getAndIncrement();
                if (i < WEBHOOKS) {
                    answers.add(hub.postWebhook(AlertmanagerWebhook.create()
                            .firing(Map.of("alertname", "OutageCritical" + i, "severity", "critical"),
                                    Map.of("summary", "critical " + i), start.minusSeconds(60))
                            .firing(Map.of("alertname", "OutageWarning" + i, "severity", "warning"),
                                    Map.of("summary", "warning " + i), start.minusSeconds(60))
                            .bytes()).statusCode());
                }
            }, 0, 4, TimeUnit.SECONDS);

            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> pagerDuty.accepted().size() >= WEBHOOKS && slack.accepted().size() >= WEBHOOKS);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() ->
                    pagerDuty.accepted().size() == WEBHOOKS && slack.accepted().size() == WEBHOOKS);

            assertThat(answers).hasSize(WEBHOOKS).containsOnly(200);
            assertThat(pagedOnce(pagerDuty)).as("one page per alert").hasSize(WEBHOOKS)
                    .allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1));
            assertThat(IntStream.range(0, WEBHOOKS).mapToObj(i -> "OutageWarning" + i + " "))
                    .allSatisfy(name -> assertThat(slack.accepted()).as(name)
                            .filteredOn(r -> r.body().contains(name)).hasSize(1));
            List<Instant> posts = slack.requests().stream().map(HttpStub.Request::at).sorted().toList();
            for (int i = 1; i < posts.size(); i++) {
                assertThat(Duration.between(posts.get(i - 1), posts.get(i))).as("Slack request %d after %d", i, i - 1)
                        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
            }
            long refused = pagerDuty.requests().size() - pagerDuty.accepted().size();
            assertThat(refused).as("PagerDuty while down: the circuit probes it, retries do not hammer it")
                    .isLessThanOrEqualTo(25);
            assertThat(pagerDuty.accepted().get(0).at()).as("nothing is paged before PagerDuty is back")
                    .isAfter(start.plusSeconds(89));
            assertThat(hub.get("/api/dead-letters").body()).isEqualTo("[]");
            assertThat(pagerDuty.violations()).isEmpty();
            assertThat(slack.violations()).isEmpty();
        } finally {
            alertmanager.shutdownNow();
        }
    }

    static Map<String, Long> pagedOnce(HttpStub pagerDuty) {
        return pagerDuty.accepted().stream().collect(Collectors.groupingBy(r -> dedupKey(r.body()), Collectors.counting()));
    }

    private static String dedupKey(String body) {
        try {
            JsonNode e = Json.MAPPER.readTree(body);
            return e.path("dedup_key").asText();
        } catch (Exception ex) {
            throw new AssertionError(body, ex);
        }
    }
}
