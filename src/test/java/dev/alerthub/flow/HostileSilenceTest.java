package dev.alerthub.flow;

import dev.alerthub.alert.Fingerprints;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.alerthub.flow.WebhookToSinksTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A silence anyone may write (valid RE2, accepted by Alertmanager) plus label values crafted
 * against it: with a backtracking regex engine every routing thread is pinned for hours.
 */
class HostileSilenceTest {
    static HttpStub pagerDuty;
    static TestHub hub;

    @BeforeAll
    static void start() {
        pagerDuty = SinkStubs.pagerDuty();
        hub = TestHub.builder().pagerDuty(pagerDuty).start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        pagerDuty.close();
    }

    @Test
    void aNestedQuantifierSilenceFloodedWithCraftedLabelsDoesNotDelayARealPage() {
        String body = """
                {"matchers":[{"name":"path","value":"(.*a){16}$","isRegex":true}],"endsAt":"%s",
                 "createdBy":"mallory","comment":"nothing to see"}""".formatted(Instant.now().plusSeconds(3600));
        HttpResponse<String> created = hub.post("/api/silences", body.getBytes(StandardCharsets.UTF_8),
                "application/json", null);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

        // one crafted alert per routing thread (outbox-dispatch has 4): enough to pin them all
        AlertmanagerWebhook flood = AlertmanagerWebhook.create();
        for (int i = 0; i < 4; i++) {
            flood.firing(Map.of("alertname", "Crafted", "severity", "info", "instance", "i-" + i,
                    "path", "a".repeat(48) + "b"), Map.of(), Instant.now().minusSeconds(60));
        }
        assertThat(hub.postWebhook(flood.bytes()).statusCode()).isEqualTo(200);

        Map<String, String> real = Map.of("alertname", "HighErrorRate", "severity", "critical", "namespace", "shop");
        assertThat(hub.postWebhook(AlertmanagerWebhook.create().firing(real, Map.of("summary", "5xx"),
                Instant.now().minusSeconds(30)).bytes()).statusCode()).isEqualTo(200);
        Instant acknowledged = Instant.now();
        // pinned threads would not come back for hours: wait long enough to tell "slow" from "never"...
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().stream()
                .anyMatch(r -> json(r.body()).path("dedup_key").asText().equals(Fingerprints.of(real))));
        // ...then hold the page to the bound: within a second of the webhook's 200
        Instant paged = pagerDuty.accepted().stream()
                .filter(r -> json(r.body()).path("dedup_key").asText().equals(Fingerprints.of(real)))
                .findFirst().orElseThrow().at();
        System.out.println("real page " + Duration.between(acknowledged, paged).toMillis() + " ms after the webhook's 200");
        assertThat(Duration.between(acknowledged, paged)).isLessThan(Duration.ofSeconds(1));
    }
}
