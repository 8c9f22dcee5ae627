package dev.alerthub.probe;

import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.ProbeRoutes;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.SlackPosts;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Removing a probe resolves what it raised, instead of leaving its alerts firing for ever. */
class ProbeRetirementTest {

    @Test
    void theAlertsOfARemovedProbeResolve() throws Exception {
        ProbeRoutes routes = ProbeRoutes.copyOfProject();
        Path probe = routes.probe("targets-up.camel.yaml", ProbeRoutes.templated("promql-probe",
                "id", "targets-up", "every", "1s", "query", "up", "op", ">", "threshold", "0", "severity", "warning"));
        // query-vector.json: two series of `up`, both 1
        try (HttpStub prometheus = new HttpStub(HttpStub.Response.of(200, Fixtures.text("prometheus/query-vector.json")), null);
             HttpStub slack = SinkStubs.slack();
             TestHub hub = TestHub.builder().routesDir(routes.dir()).slack(slack)
                     .property("alerthub.prometheus.url", prometheus.url(""))
                     .property("alerthub.probes.retire-interval", "500")
                     .property("alerthub.delivery.slack-per-second", "20")
                     .start()) {
            // both series of the probe are one group (docs/sinks.md#grouping): one message lists them
            await().atMost(Duration.ofSeconds(20)).until(() -> SlackPosts.groupPost(slack, "TargetsUp", "2 firing"));

            Files.delete(probe);
            await().atMost(Duration.ofSeconds(20)).until(() -> hub.context().getRoute("probe-targets-up") == null);
            await().atMost(Duration.ofSeconds(20)).until(() -> SlackPosts.groupPost(slack, "[RESOLVED] 2 alerts",
                    "TargetsUp", "0 firing, 2 resolved"));
            assertThat(hub.bean("probeStates", ProbeStates.class).all()).doesNotContainKey("targets-up");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> slack.requests().size() <= 4);
        }
    }
}
