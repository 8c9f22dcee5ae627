package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.KubeMock;
import dev.alerthub.support.TestHub;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Cooldown, budget and the kill switch live in the store: a restarted hub keeps to them. */
class RemediationRestartTest {
    static KubeMock kube;

    @BeforeAll
    static void start() {
        kube = KubeMock.start();
    }

    @AfterAll
    static void stop() {
        kube.close();
    }

    private static TestHub hub(Path data) {
        return TestHub.builder().dataDir(data)
                .property("alerthub.kubernetes.master-url", kube.url())
                .property("alerthub.remediation.namespaces", "shop")
                .property("alerthub.remediation.max-per-hour", "2")
                .property("alerthub.remediation.cooldown", "10m")
                .property("alerthub.remediation.recovery-interval", "500ms")
                .start();
    }

    private static void rollbackAlert(TestHub hub, String alertname, String deployment) {
        actionAlert(hub, alertname, deployment, "rollback");
    }

    private static void actionAlert(TestHub hub, String alertname, String deployment, String action) {
        assertThat(hub.postWebhook(AlertmanagerWebhook.create().firing(Map.of("alertname", alertname, "namespace", "shop",
                "deployment", deployment, "action", action), Map.of(), Instant.now()).bytes()).statusCode())
                .isEqualTo(200);
    }

    private static String awaitOutcome(TestHub hub, String alertname) {
        String[] outcome = new String[1];
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            for (JsonNode a : Json.read(hub.get("/api/actions").body(), JsonNode.class)) {
                String o = a.path("outcome").asText();
                if (a.path("alertname").asText().equals(alertname) && !o.equals("pending") && !o.equals("acting")) {
                    outcome[0] = o;
                    return true;
                }
            }
            return false;
        });
        return outcome[0];
    }

    private static void withHistory(String name) {
        Deployment d = kube.deployment("shop", name, "app:3", 3, true);
        kube.replicaSet(d, 2, "app:2", Map.of());
        kube.replicaSet(d, 3, "app:3", Map.of());
    }

    @Test
    void cooldownBudgetAndPauseSurviveARestart(@TempDir Path data) {
        for (String name : new String[] {"checkout", "cart", "search", "api"}) {
            withHistory(name);
        }
        try (TestHub first = hub(data)) {
            rollbackAlert(first, "CheckoutErrors", "checkout");
            assertThat(awaitOutcome(first, "CheckoutErrors")).isEqualTo("done");
        }
        try (TestHub second = hub(data)) {
            JsonNode state = Json.read(second.get("/api/remediation").body(), JsonNode.class);
            assertThat(state.path("actionsLastHour").asInt()).isEqualTo(1);
            // same Deployment, another alert (any action): still in the cooldown the first hub started
            actionAlert(second, "CheckoutLatency", "checkout", "restart");
            assertThat(awaitOutcome(second, "CheckoutLatency")).isEqualTo("skipped:cooldown");
            rollbackAlert(second, "CartErrors", "cart");
            assertThat(awaitOutcome(second, "CartErrors")).isEqualTo("done");
            // the budget (2 per hour) counts the first hub's action too
            rollbackAlert(second, "SearchErrors", "search");
            assertThat(awaitOutcome(second, "SearchErrors")).isEqualTo("skipped:budget");
            assertThat(second.post("/api/remediation/pause", new byte[0], null, null).statusCode()).isEqualTo(200);
        }
        try (TestHub third = hub(data)) {
            assertThat(Json.read(third.get("/api/remediation").body(), JsonNode.class).path("paused").asBoolean()).isTrue();
            rollbackAlert(third, "ApiErrors", "api");
            assertThat(awaitOutcome(third, "ApiErrors")).isEqualTo("skipped:paused");
        }
        assertThat(kube.get("shop", "search").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("app:3");
        assertThat(kube.get("shop", "api").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("app:3");
    }
}
