package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Fingerprints;
import dev.alerthub.alert.Json;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.MetricsExporter;
import dev.alerthub.support.ProbeRoutes;
import dev.alerthub.support.PrometheusServer;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.SlackPosts;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Journey 2 with the real Prometheus (Debian package) scraping an exporter the test controls every
 * second, the real hub and its YAML routes, and the PagerDuty/Slack stand-ins. Probes evaluate every
 * second with a short {@code for}; each test works on its own probe and metric, so the hub is shared.
 */
class PromqlProbeFlowTest {
    static MetricsExporter exporter;
    static PrometheusServer prometheus;
    static HttpStub pagerDuty;
    static HttpStub slack;
    static TestHub hub;

    @BeforeAll
    static void start() {
        exporter = new MetricsExporter();
        exporter.set("shop_error_ratio", Map.of("deployment", "a"), 0.0);
        exporter.set("shop_error_ratio", Map.of("deployment", "b"), 0.0);
        exporter.set("nodata_ok_depth", Map.of("queue", "q"), 20);
        exporter.set("nodata_alert_depth", Map.of("queue", "q"), Double.NaN);
        exporter.set("nodata_keep_depth", Map.of("queue", "q"), 20);
        prometheus = PrometheusServer.start(exporter.target()).awaitData("nodata_keep_depth");
        pagerDuty = SinkStubs.pagerDuty();
        slack = SinkStubs.slack();

        ProbeRoutes routes = ProbeRoutes.copyOfProject();
        routes.probe("errors.camel.yaml", ProbeRoutes.templated("promql-probe", "id", "shop-errors",
                "every", "1s", "query", "shop_error_ratio", "op", ">", "threshold", "0.05", "for", "3s",
                "severity", "critical", "alertname", "ShopErrorRate", "labels", "{namespace: shop, team: payments}",
                "annotations", """
                        summary: "Error ratio {{ $value | humanizePercentage }} on {{ $labels.deployment }}"
                        runbook_url: https://runbooks.example.com/shop-errors"""));
        for (String policy : List.of("ok", "alert", "keep")) {
            routes.probe("nodata-" + policy + ".camel.yaml", ProbeRoutes.templated("promql-probe",
                    "id", "nodata-" + policy, "every", "1s", "query", "nodata_" + policy + "_depth", "op", ">",
                    "threshold", "10", "noData", policy, "severity", "warning", "alertname", "QueueDeep" + policy,
                    "annotations", "summary: depth {{ $value }}"));
        }
        routes.probe("broken.camel.yaml", ProbeRoutes.templated("promql-probe", "id", "broken", "every", "1s",
                "query", "sum(rate(shop_requests_total[5m]", "op", ">", "threshold", "1", "severity", "critical",
                "labels", "team: payments"));
        hub = TestHub.builder().routesDir(routes.dir()).pagerDuty(pagerDuty).slack(slack)
                .property("alerthub.prometheus.url", prometheus.url())
                .property("alerthub.delivery.slack-per-second", "100")
                // the shipped PromQL defaults, switched on with short windows: their PromQL must be valid
                .property("alerthub.probes.crash-loop.enabled", "true")
                .property("alerthub.probes.crash-loop.every", "1s")
                .property("alerthub.probes.crash-loop.for", "2s")
                .property("alerthub.probes.crash-loop.window", "10s")
                .property("alerthub.probes.crash-loop.selector", "namespace=\"shop\"")
                .property("alerthub.probes.error-rate.enabled", "true")
                .property("alerthub.probes.error-rate.every", "1s")
                .property("alerthub.probes.error-rate.window", "5s")
                .property("alerthub.probes.error-rate.for", "2s")
                .property("alerthub.probes.error-rate.selector", "namespace=\"shop\"")
                .property("alerthub.probes.latency-p95.enabled", "true")
                .property("alerthub.probes.latency-p95.every", "1s")
                .property("alerthub.probes.latency-p95.window", "5s")
                .property("alerthub.probes.latency-p95.for", "2s")
                .property("alerthub.probes.latency-p95.selector", "namespace=\"shop\"")
                .property("alerthub.probes.canary-error-rate.enabled", "true")
                .property("alerthub.probes.canary-error-rate.every", "1s")
                .property("alerthub.probes.canary-error-rate.window", "10s")
                .property("alerthub.probes.no-available-replicas.enabled", "true")
                .property("alerthub.probes.no-available-replicas.every", "1s")
                .property("alerthub.probes.no-available-replicas.for", "0s")
                .start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        prometheus.close();
        exporter.close();
        pagerDuty.close();
        slack.close();
    }

    @Test
    void aProbeGoesPendingThenFiresAfterForPagesAndResolvesWhenTheMetricRecovers() {
        exporter.set("shop_error_ratio", Map.of("deployment", "a"), 0.2);

        JsonNode pending = await().atMost(Duration.ofSeconds(15)).until(() -> instance("shop-errors", "a"),
                i -> i != null && i.path("state").asText().equals("pending"));
        Instant activeAt = Instant.parse(pending.path("activeAt").asText());
        assertThat(triggers("ShopErrorRate")).as("nothing is sent while pending").isEmpty();

        await().atMost(Duration.ofSeconds(15)).until(() -> triggers("ShopErrorRate").size() == 1);
        JsonNode page = triggers("ShopErrorRate").get(0);
        Map<String, String> labels = new TreeMap<>(Map.of("alertname", "ShopErrorRate", "severity", "critical",
                "deployment", "a", "namespace", "shop", "team", "payments", "job", "exporter",
                "instance", exporter.target()));
        assertThat(page.path("dedup_key").asText()).as("Alertmanager's fingerprint of the labels")
                .isEqualTo(Fingerprints.of(labels));
        assertThat(page.at("/payload/summary").asText()).contains("Error ratio 20% on a");
        assertThat(page.at("/payload/custom_details/source").asText()).isEqualTo("probe:shop-errors");
        assertThat(page.at("/payload/custom_details/annotations/runbook_url").asText())
                .isEqualTo("https://runbooks.example.com/shop-errors");
        Instant firedAt = Instant.parse(page.at("/payload/timestamp").asText());
        assertThat(Duration.between(activeAt, firedAt)).as("fires once the condition held for 'for'")
                .isBetween(Duration.ofSeconds(3), Duration.ofSeconds(6));
        assertThat(page.path("links").findValuesAsText("href")).contains(prometheus.url()
                + "/graph?g0.expr=shop_error_ratio&g0.tab=1");
        assertThat(pagerDuty.violations()).isEmpty();

        exporter.set("shop_error_ratio", Map.of("deployment", "a"), 0.01);
        await().atMost(Duration.ofSeconds(15)).until(() -> resolves(page.path("dedup_key").asText()) == 1);
        assertThat(triggers("ShopErrorRate")).as("one page, re-sends deduplicated").hasSize(1);
        assertThat(slackFor("ShopErrorRate")).as("critical goes to PagerDuty only").isEmpty();
    }

    @Test
    void eachSeriesIsAnInstanceOfItsOwn() {
        exporter.set("shop_error_ratio", Map.of("deployment", "b"), 0.3);
        await().atMost(Duration.ofSeconds(15)).until(() -> firingDeployments().contains("b"));
        JsonNode a = instance("shop-errors", "a");
        assertThat(a == null || !a.path("state").asText().equals("firing")).isTrue();

        exporter.set("shop_error_ratio", Map.of("deployment", "b"), 0.0);
        await().atMost(Duration.ofSeconds(15)).until(() -> instance("shop-errors", "b") == null);
        // the resolve is stored by then; its delivery to PagerDuty follows
        await().atMost(Duration.ofSeconds(10)).until(() -> eventsFor("b").size() == 2);
        assertThat(eventsFor("b")).extracting(e -> e.path("event_action").asText()).containsExactly("trigger", "resolve");
    }

    private List<JsonNode> eventsFor(String deployment) {
        return StreamSupport.stream(pagerDutyEvents().spliterator(), false)
                .filter(e -> e.at("/payload/custom_details/labels/deployment").asText().equals(deployment)
                        || e.path("event_action").asText().equals("resolve")
                        && e.path("dedup_key").asText().equals(fingerprintOf(deployment))).toList();
    }

    @Test
    void noDataPoliciesBehaveAsDocumented() {
        // ok and keep: 20 > 10, firing; alert: the value is NaN, which noData=alert treats as true
        await().atMost(Duration.ofSeconds(15)).until(() -> slackFiring("QueueDeepok") == 1
                && slackFiring("QueueDeepkeep") == 1 && slackFiring("QueueDeepalert") == 1);
        assertThat(slackFor("QueueDeepalert").get(0)).contains("depth NaN");

        exporter.remove("nodata_ok_depth", Map.of("queue", "q"));
        exporter.remove("nodata_alert_depth", Map.of("queue", "q"));
        exporter.remove("nodata_keep_depth", Map.of("queue", "q"));

        // ok: no data resolves; alert: the series resolves and the probe itself alerts (no series labels)
        // (the series' resolve and the probe's own alert are one group, the probe's: one message or two)
        await().atMost(Duration.ofSeconds(15)).until(() -> slackResolved("QueueDeepok") == 1
                && (slackResolved("QueueDeepalert") == 1 && slackFiring("QueueDeepalert") == 2
                    || SlackPosts.groupPost(slack, "QueueDeepalert", "1 firing, 1 resolved")));
        assertThat(StreamSupport.stream(probe("nodata-alert").path("instances").spliterator(), false)
                .map(i -> i.path("labels").has("queue") + ":" + i.path("state").asText()).toList())
                .containsExactly("false:firing");
        // keep: still firing, nothing sent, however long the data stays away
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                slackResolved("QueueDeepkeep") == 0 && slackFiring("QueueDeepkeep") == 1);
        assertThat(probe("nodata-keep").path("instances").get(0).path("state").asText()).isEqualTo("firing");
    }

    @Test
    void aMalformedQueryRaisesOneProbeFailingAlertNotOnePerEvaluation() {
        await().atMost(Duration.ofSeconds(15)).until(() -> slackFiring("ProbeFailing") >= 1);
        JsonNode status = probe("broken");
        assertThat(status.path("lastError").asText()).contains("Prometheus refused the query (HTTP 400, bad_data)")
                .contains("parse error");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> slackFor("ProbeFailing").stream().filter(t -> t.contains("broken")).count() == 1);
        String post = slackFor("ProbeFailing").stream().filter(t -> t.contains("broken")).findFirst().orElseThrow();
        assertThat(post).contains("Probe broken cannot be evaluated").contains("bad_data");
        assertThat(pagerDutyEvents()).as("the probe is critical, its failure is not")
                .noneMatch(e -> e.toString().contains("ProbeFailing"));

        String health = hub.get(hub.managementUrl("/observe/health?exposureLevel=full")).body();
        assertThat(health).contains("\"name\":\"probes\"").contains("broken");
        assertThat(hub.get(hub.managementUrl("/observe/health/ready")).statusCode()).isEqualTo(200);
        String metrics = hub.get(hub.managementUrl("/observe/metrics")).body();
        assertThat(metrics).contains("alerthub_probe_evaluations_total{kind=\"promql\",outcome=\"failed\"}")
                .contains("alerthub_probe_evaluations_total{kind=\"promql\",outcome=\"ok\"}")
                .contains("alerthub_probe_evaluation_duration_seconds_count{kind=\"promql\"}")
                .contains("alerthub_probe_evaluation_lag_seconds_count{kind=\"promql\"}")
                .containsPattern("alerthub_probes_failing [1-9]");
    }

    @Test
    void theShippedPromqlProbesAreValidPromqlAndTheCrashLoopProbeRollsBack() {
        exporter.set("kube_pod_container_status_waiting_reason", Map.of("namespace", "shop",
                "pod", "cart-7d9f8b6c5d-x2x4z", "container", "cart", "reason", "CrashLoopBackOff"), 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> triggers("PodCrashLooping").size() == 1);
        JsonNode page = triggers("PodCrashLooping").get(0);
        assertThat(page.at("/payload/custom_details/labels").toString())
                .contains("\"action\":\"rollback\"", "\"deployment\":\"cart\"", "\"namespace\":\"shop\"");
        assertThat(page.at("/payload/summary").asText()).contains("Pods of shop/cart are crash-looping");

        assertThat(probe("data-freshness").path("enabled").asBoolean()).as("listed, switched off").isFalse();
        for (String id : List.of("error-rate", "latency-p95", "canary-error-rate", "no-available-replicas", "crash-loop")) {
            JsonNode p = probe(id);
            assertThat(p.path("enabled").asBoolean()).isTrue();
            assertThat(p.path("lastEvaluatedAt").isNull()).as(id + " evaluated").isFalse();
            assertThat(p.path("lastError").isNull()).as(id + ": " + p.path("lastError").asText()).isTrue();
        }
    }

    @Test
    void theShippedErrorRateAndLatencyProbesRollBackFromCountersAndHistograms() {
        Map<String, String> ok = Map.of("namespace", "shop", "deployment", "checkout", "code", "200");
        Map<String, String> failed = Map.of("namespace", "shop", "deployment", "checkout", "code", "500");
        Map<String, String> latency = Map.of("namespace", "shop", "deployment", "checkout");
        long[] served = {0};
        // the exporter's counters and histogram grow as an instrumented service's would: 10 % errors,
        // every request taking 0.8 s
        java.util.concurrent.ScheduledExecutorService traffic = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        traffic.scheduleAtFixedRate(() -> {
            served[0] += 10;
            exporter.set("http_requests_total", ok, served[0] * 0.9);
            exporter.set("http_requests_total", failed, served[0] * 0.1);
            exporter.histogram("http_request_duration_seconds", latency,
                    Map.of(0.1, 0L, 0.5, 0L, 1.0, served[0]), served[0] * 0.8);
        }, 0, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> triggers("HighErrorRate").size() == 1
                    && triggers("HighLatencyP95").size() == 1);
        } finally {
            traffic.shutdownNow();
        }
        JsonNode errors = triggers("HighErrorRate").get(0);
        assertThat(errors.at("/payload/summary").asText()).contains("Error rate 10% on shop/checkout");
        assertThat(errors.at("/payload/custom_details/labels").toString())
                .contains("\"action\":\"rollback\"", "\"deployment\":\"checkout\"", "\"namespace\":\"shop\"");
        JsonNode slow = triggers("HighLatencyP95").get(0);
        assertThat(slow.at("/payload/summary").asText()).matches(".*P95 latency 9\\d\\dms on shop/checkout.*");
        assertThat(slow.at("/payload/custom_details/labels/action").asText()).isEqualTo("rollback");
    }

    @Test
    void anUnreachablePrometheusRaisesOneProbeFailingThatResolvesWhenItAnswersAgain() throws Exception {
        int port = dev.alerthub.support.Ports.free();
        HttpStub slack2 = SinkStubs.slack();
        ProbeRoutes routes = ProbeRoutes.copyOfProject();
        routes.probe("p.camel.yaml", ProbeRoutes.templated("promql-probe", "id", "far-away", "every", "1s",
                "query", "up", "op", "==", "threshold", "0", "severity", "critical"));
        try (TestHub other = TestHub.builder().routesDir(routes.dir()).slack(slack2)
                .property("alerthub.prometheus.url", "http://127.0.0.1:" + port)
                .property("alerthub.delivery.slack-per-second", "100").start()) {
            await().atMost(Duration.ofSeconds(15)).until(() -> slack2.accepted().size() == 1);
            assertThat(slack2.accepted().get(0).body()).contains("ProbeFailing").contains("far-away")
                    .contains("is unreachable");
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> slack2.requests().size() == 1);

            // Prometheus is back (a stand-in on the same port answering as Prometheus does)
            com.sun.net.httpserver.HttpServer back = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress("127.0.0.1", port), 0);
            byte[] answer = dev.alerthub.support.Fixtures.bytes("prometheus/query-vector.json");
            back.createContext("/api/v1/query", ex -> {
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, answer.length);
                ex.getResponseBody().write(answer);
                ex.close();
            });
            back.start();
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> slack2.accepted().size() == 2);
                assertThat(slack2.accepted().get(1).body()).contains("RESOLVED").contains("ProbeFailing");
            } finally {
                back.stop(0);
            }
        } finally {
            slack2.close();
        }
    }

    // --- helpers

    static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    static JsonNode probe(String id) {
        for (JsonNode p : json(hub.get("/api/probes").body())) {
            if (p.path("id").asText().equals(id)) {
                return p;
            }
        }
        throw new AssertionError("no probe " + id);
    }

    static JsonNode instance(String probeId, String deployment) {
        for (JsonNode i : probe(probeId).path("instances")) {
            if (deployment.equals(i.at("/labels/deployment").asText())) {
                return i;
            }
        }
        return null;
    }

    static List<String> firingDeployments() {
        return pagerDutyEvents().stream().filter(e -> e.path("event_action").asText().equals("trigger"))
                .map(e -> e.at("/payload/custom_details/labels/deployment").asText()).toList();
    }

    static String fingerprintOf(String deployment) {
        return Fingerprints.of(new TreeMap<>(Map.of("alertname", "ShopErrorRate", "severity", "critical",
                "deployment", deployment, "namespace", "shop", "team", "payments", "job", "exporter",
                "instance", exporter.target())));
    }

    static List<JsonNode> pagerDutyEvents() {
        return pagerDuty.accepted().stream().map(r -> json(r.body())).toList();
    }

    static List<JsonNode> triggers(String alertname) {
        return pagerDutyEvents().stream().filter(e -> e.path("event_action").asText().equals("trigger")
                && e.at("/payload/class").asText().equals(alertname)).toList();
    }

    static long resolves(String dedupKey) {
        return pagerDutyEvents().stream().filter(e -> e.path("event_action").asText().equals("resolve")
                && e.path("dedup_key").asText().equals(dedupKey)).count();
    }

    static List<String> slackFor(String alertname) {
        return SlackPosts.about(slack, alertname);
    }

    static long slackFiring(String alertname) {
        return SlackPosts.firing(slack, alertname);
    }

    static long slackResolved(String alertname) {
        return SlackPosts.resolved(slack, alertname);
    }
}
