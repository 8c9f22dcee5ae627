package dev.alerthub.flow;

import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One route whose endpoint cannot start does not take the hub down with it. */
class SupervisedRoutesTest {

    @Test
    void aRouteThatCannotStartLeavesTheOthersServing() throws Exception {
        Path routes = TeamRoutingTest.copyOfShippedRoutes();
        Files.writeString(routes.resolve("broken.camel.yaml"), """
                - route:
                    id: broken-schedule
                    from:
                      uri: "quartz:broken"
                      parameters:
                        cron: "this is not a cron expression"
                      steps:
                        - log: "never"
                """);
        try (HttpStub slack = SinkStubs.slack(); TestHub hub = TestHub.builder().routesDir(routes).slack(slack).start()) {
            assertThat(hub.context().getRouteController().getRouteStatus("broken-schedule"))
                    .isNotEqualTo(ServiceStatus.Started);
            // every healthy route comes up: the supervisor retries (after its 5 s back-off) any route
            // whose start a failing neighbour disturbed, which can be the webhook's; until then
            // readiness is down, so no traffic is sent to a hub that would answer 404
            await().atMost(Duration.ofSeconds(20)).until(() -> hub.context().getRoutes().stream()
                    .filter(r -> !r.getRouteId().equals("broken-schedule"))
                    .allMatch(r -> hub.context().getRouteController().getRouteStatus(r.getRouteId()) == ServiceStatus.Started));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    hub.get(hub.managementUrl("/observe/health/ready")).statusCode() == 200);
            assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-warning")).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 1);
            assertThat(hub.get("/api/alerts").statusCode()).isEqualTo(200);
            assertThat(hub.context().getRouteController().getRouteStatus("broken-schedule"))
                    .as("still failing, still retried").isNotEqualTo(ServiceStatus.Started);
        }
    }
}
