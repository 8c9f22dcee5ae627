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
            assertThat(hub.context().getRouteController().getRouteStatus("intake-alertmanager"))
                    .isEqualTo(ServiceStatus.Started);
            assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-warning")).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 1);
            // every healthy route is up (the supervisor retries any that a neighbour's failure delayed)
            await().atMost(Duration.ofSeconds(20)).until(() -> hub.context().getRoutes().stream()
                    .filter(r -> !r.getRouteId().equals("broken-schedule"))
                    .allMatch(r -> hub.context().getRouteController().getRouteStatus(r.getRouteId()) == ServiceStatus.Started));
            assertThat(hub.get("/api/alerts").statusCode()).isEqualTo(200);
        }
    }
}
