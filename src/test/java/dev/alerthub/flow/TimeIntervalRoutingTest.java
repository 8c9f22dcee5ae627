package dev.alerthub.flow;

import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestClock;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/lifecycle.md's routing example through the real hub: a router whose choice asks
 * timeIntervals.active('business-hours') sends warnings to Slack in office hours and pages outside
 * them, on the hub's (test) clock.
 */
class TimeIntervalRoutingTest {
    static final String ROUTER = """
            - route:
                id: alert-router
                from:
                  uri: direct:route-alert
                  steps:
                    - choice:
                        when:
                          - simple: "${header.severity} == 'critical'"
                            steps:
                              - to: direct:pagerduty
                          # office hours: warnings go to the team's Slack
                          - method:
                              ref: timeIntervals
                              method: "active('business-hours')"
                            steps:
                              - to: direct:slack
                          # nights and weekends: whoever is on call is paged
                          - simple: "${bean:timeIntervals?method=active('out-of-hours')}"
                            steps:
                              - to: direct:pagerduty
                        otherwise:
                          steps:
                            - to: direct:email
            """;

    @Test
    void aWarningGoesToSlackInBusinessHoursAndPagesOutsideThem() throws Exception {
        Path routes = TeamRoutingTest.copyOfShippedRoutes();
        Files.writeString(routes.resolve("route/router.camel.yaml"), ROUTER);
        // Wednesday 2026-12-02 10:00 in Berlin (CET, UTC+1)
        TestClock clock = new TestClock(Instant.parse("2026-12-02T09:00:00Z"));
        try (HttpStub slack = SinkStubs.slack(); HttpStub pagerDuty = SinkStubs.pagerDuty();
             TestHub hub = TestHub.builder().routesDir(routes).slack(slack).pagerDuty(pagerDuty)
                     .property("alerthub.time-intervals.file", TestHub.PROJECT.resolve("config/time-intervals.yaml").toString())
                     .bean("clock", clock)
                     .start()) {
            hub.postWebhook(warning("DiskFilling").getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 1);
            assertThat(slack.accepted().get(0).body()).contains("DiskFilling");

            // the same Wednesday, 20:00 in Berlin
            clock.set(Instant.parse("2026-12-02T19:00:00Z"));
            hub.postWebhook(warning("QueueBacklog").getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);
            assertThat(pagerDuty.accepted().get(0).body()).contains("QueueBacklog");
            assertThat(slack.accepted()).as("nothing more on Slack after hours").hasSize(1);
        }
    }

    static String warning(String name) {
        return """
                {"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"%s",
                 "severity":"warning","namespace":"shop"},"annotations":{"summary":"%s in shop"},
                 "startsAt":"2026-12-02T08:55:00Z"}]}""".formatted(name, name);
    }
}
