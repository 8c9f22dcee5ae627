package dev.alerthub.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Journey 6 over JMX, as jconsole or VisualVM would do it, against the running hub's MBeans on the
 * platform MBeanServer (and once over Jolokia on the management port).
 */
class JmxRouteManagementTest {
    static HttpStub pagerDuty;
    static HttpStub slack;
    static HttpStub prometheus;
    static TestHub hub;
    static MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();

    @BeforeAll
    static void start() {
        pagerDuty = SinkStubs.pagerDuty();
        slack = SinkStubs.slack();
        prometheus = new HttpStub(HttpStub.Response.of(200, Fixtures.text("prometheus/query-empty.json")), null);
        hub = TestHub.builder().pagerDuty(pagerDuty).slack(slack)
                .property("camel.management.jolokia-enabled", "true")
                // one shipped probe switched on, evaluated every second against a stand-in Prometheus
                .property("alerthub.prometheus.url", prometheus.url(""))
                .property("alerthub.probes.no-available-replicas.enabled", "true")
                .property("alerthub.probes.no-available-replicas.every", "1s")
                .start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        prometheus.close();
        pagerDuty.close();
        slack.close();
    }

    static ObjectName route(String id) throws Exception {
        return new ObjectName("org.apache.camel:context=" + hub.context().getManagementName()
                + ",type=routes,name=\"" + id + "\"");
    }

    @Test
    void routesAreListedWithTheirStableIds() throws Exception {
        Set<String> ids = new TreeSet<>();
        for (ObjectName n : jmx.queryNames(new ObjectName("org.apache.camel:context="
                + hub.context().getManagementName() + ",type=routes,*"), null)) {
            ids.add((String) jmx.getAttribute(n, "RouteId"));
        }
        assertThat(ids).contains("intake-alertmanager", "alert-router", "outbox-dispatch", "outbox-recovery",
                "deliver-pagerduty", "deliver-slack", "deliver-email");
        assertThat(jmx.getAttribute(route("intake-alertmanager"), "State")).isEqualTo("Started");
    }

    @Test
    void alertsWaitInTheOutboxWhileASinkRouteIsStoppedAndAreDeliveredAfterStart() throws Exception {
        jmx.invoke(route("deliver-slack"), "stop", null, null);
        assertThat(jmx.getAttribute(route("deliver-slack"), "State")).isEqualTo("Stopped");

        assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-warning")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("alerthub_deliveries_pending{sink=\"slack\"}") == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("alerthub_outbox_oldest_age_seconds") > 0);
        // nothing is sent while the route is stopped, and the hub stays ready for webhooks
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> slack.requests().isEmpty());
        assertThat(hub.get(hub.managementUrl("/observe/health/ready")).statusCode()).isEqualTo(200);

        jmx.invoke(route("deliver-slack"), "start", null, null);
        await().atMost(Duration.ofSeconds(15)).until(() -> slack.accepted().size() == 1);
        assertThat(slack.accepted().get(0).body()).contains("HighLatencyP95");
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("alerthub_deliveries_pending{sink=\"slack\"}") == 0
                && metric("alerthub_outbox_oldest_age_seconds") == 0);
        assertThat(slack.violations()).isEmpty();
    }

    @Test
    void aProbeRouteCanBeSuspendedAndResumed() throws Exception {
        ObjectName probe = route("probe-no-available-replicas");
        await().atMost(Duration.ofSeconds(10)).until(() -> prometheus.requests().size() >= 1);
        jmx.invoke(probe, "suspend", null, null);
        assertThat(jmx.getAttribute(probe, "State")).isEqualTo("Suspended");
        int queriesWhenSuspended = prometheus.requests().size();
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                .until(() -> prometheus.requests().size() <= queriesWhenSuspended + 1);

        jmx.invoke(probe, "resume", null, null);
        assertThat(jmx.getAttribute(probe, "State")).isEqualTo("Started");
        await().atMost(Duration.ofSeconds(10)).until(() -> prometheus.requests().size() > queriesWhenSuspended + 1);
    }

    @Test
    void aScheduledRouteCanBeSuspendedAndResumed() throws Exception {
        // outbox-recovery runs every 200 ms in tests
        ObjectName recovery = route("outbox-recovery");
        jmx.invoke(recovery, "suspend", null, null);
        assertThat(jmx.getAttribute(recovery, "State")).isEqualTo("Suspended");
        long suspendedAt = (Long) jmx.getAttribute(recovery, "ExchangesTotal");
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(3))
                .until(() -> (Long) jmx.getAttribute(recovery, "ExchangesTotal") <= suspendedAt + 1);

        jmx.invoke(recovery, "resume", null, null);
        assertThat(jmx.getAttribute(recovery, "State")).isEqualTo("Started");
        await().atMost(Duration.ofSeconds(5)).until(() -> (Long) jmx.getAttribute(recovery, "ExchangesTotal") > suspendedAt + 2);
    }

    @Test
    void jolokiaServesTheSameMBeansOverHttpWhenEnabled() throws Exception {
        String mbean = "org.apache.camel:context=" + hub.context().getManagementName()
                + ",type=routes,name=\"intake-alertmanager\"";
        var response = hub.get(hub.managementUrl("/observe/jolokia/read/"
                + URLEncoder.encode(mbean, StandardCharsets.UTF_8).replace("+", "%20") + "/State"));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode json = Json.MAPPER.readTree(response.body());
        assertThat(json.path("value").asText()).isEqualTo("Started");
    }

    static double metric(String series) {
        return hub.get(hub.managementUrl("/observe/metrics")).body().lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(-1);
    }
}
