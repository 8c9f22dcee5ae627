package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.alerthub.flow.WebhookToSinksTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/alerts?status=&limit=&offset= pages through the stored alerts, newest first. */
class AlertsPaginationTest {
    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.builder().start();
        AlertmanagerWebhook w = AlertmanagerWebhook.create();
        for (int i = 0; i < 5; i++) {
            w.firing(Map.of("alertname", "Page" + i), Map.of(), Instant.parse("2026-12-01T10:00:00Z").plusSeconds(i));
        }
        assertThat(hub.postWebhook(w.bytes()).statusCode()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static List<String> names(String query) throws Exception {
        JsonNode page = Json.MAPPER.readTree(hub.get("/api/alerts" + query).body());
        List<String> names = new java.util.ArrayList<>();
        page.forEach(alert -> names.add(alert.path("alertname").asText()));
        return names;
    }

    @Test
    void limitAndOffsetPageThroughTheAlertsNewestFirst() throws Exception {
        assertThat(names("")).containsExactly("Page4", "Page3", "Page2", "Page1", "Page0");
        assertThat(names("?limit=2")).containsExactly("Page4", "Page3");
        assertThat(names("?limit=2&offset=2")).containsExactly("Page2", "Page1");
        assertThat(names("?status=firing&limit=2&offset=4")).containsExactly("Page0");
        assertThat(names("?offset=5")).isEmpty();
    }

    @Test
    void badLimitOrOffsetIs400NamingTheParameter() {
        assertProblem(hub.get("/api/alerts?limit=0"), 400, "limit");
        assertProblem(hub.get("/api/alerts?limit=abc"), 400, "limit");
        assertProblem(hub.get("/api/alerts?limit=100000"), 400, "limit");
        assertProblem(hub.get("/api/alerts?offset=-1"), 400, "offset");
        assertProblem(hub.get("/api/alerts?status=bogus"), 400, "status");
    }
}
