package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.KubeMock;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Remediation is asked for by outbox-dispatch, not by the router operators are told to edit: with
 * the router replaced by the one docs/routing.md shows (no remediation step in it), an alert's
 * action label still rolls its Deployment back, and the router still decides who is paged.
 */
class RemediationOutsideTheRouterTest {

    @Test
    void aRouterEditedAsTheDocsShowStillRollsBackAndStillPages() throws Exception {
        Path routes = TeamRoutingTest.copyOfShippedRoutes();
        String docsRouter = firstYamlBlock(TestHub.PROJECT.resolve("docs/routing.md"));
        assertThat(docsRouter).contains("id: alert-router").doesNotContain("remediate");
        Files.writeString(routes.resolve("route/router.camel.yaml"), docsRouter);

        try (KubeMock kube = KubeMock.start(); HttpStub pagerDuty = SinkStubs.pagerDuty();
             HttpStub slack = SinkStubs.slack();
             TestHub hub = TestHub.builder().routesDir(routes).pagerDuty(pagerDuty).slack(slack)
                     .property("alerthub.kubernetes.master-url", kube.url())
                     .property("alerthub.remediation.namespaces", "shop")
                     .property("alerthub.remediation.rollout-timeout", "1500ms")
                     .property("alerthub.remediation.verify-window", "2500ms")
                     .property("alerthub.remediation.verify-interval", "200ms")
                     .start()) {
            Deployment d = kube.deployment("shop", "checkout", "app:3", 3, true);
            kube.replicaSet(d, 1, "app:1", Map.of());
            kube.replicaSet(d, 2, "app:2", Map.of());
            kube.replicaSet(d, 3, "app:3", Map.of());

            Map<String, String> labels = Map.of("alertname", "HighErrorRate", "severity", "critical",
                    "namespace", "shop", "deployment", "checkout", "action", "rollback");
            byte[] webhook = AlertmanagerWebhook.create()
                    .firing(labels, Map.of("summary", "5xx above 5%"), Instant.now().truncatedTo(ChronoUnit.SECONDS))
                    .bytes();
            assertThat(hub.postWebhook(webhook).statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(15)).until(() -> kube.get("shop", "checkout").getSpec().getTemplate()
                    .getSpec().getContainers().get(0).getImage().equals("app:2"));
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                JsonNode actions = Json.read(hub.get("/api/actions").body(), JsonNode.class);
                return StreamSupport.stream(actions.spliterator(), false).anyMatch(a ->
                        a.path("alertname").asText().equals("HighErrorRate") && a.path("action").asText().equals("rollback")
                                && a.path("outcome").asText().equals("done"));
            });
            await().atMost(Duration.ofSeconds(15)).until(() -> pagerDuty.accepted().size() == 1);
            assertThat(pagerDuty.accepted().get(0).body()).contains("HighErrorRate");
        }
    }

    /** The first ```yaml block of a Markdown file. */
    static String firstYamlBlock(Path markdown) throws Exception {
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(markdown));
        assertThat(m.find()).as("a yaml block in " + markdown).isTrue();
        return m.group(1);
    }
}
