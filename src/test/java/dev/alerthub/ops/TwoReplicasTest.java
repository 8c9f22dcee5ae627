package dev.alerthub.ops;

import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.HubProcess;
import dev.alerthub.support.PostgresSchema;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two hub processes on one PostgreSQL store, as two replicas behind Alertmanager HA: the same group
 * posted to both pages once, and when the leader dies the other takes over the leader-only work.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoReplicasTest {
    @TempDir
    static Path work;
    static PostgresSchema schema;
    static HttpStub pagerDuty;
    static HttpStub leaderWork;
    static HttpStub prometheus;
    static HubProcess a;
    static HubProcess b;

    @BeforeAll
    static void start() throws IOException {
        schema = PostgresSchema.create("ops_replicas");
        pagerDuty = SinkStubs.pagerDuty();
        leaderWork = new HttpStub(HttpStub.Response.of(200, "ok"), null);
        prometheus = new HttpStub(HttpStub.Response.of(200, Fixtures.text("prometheus/query-vector.json")), null);
        Path routes = work.resolve("routes");
        try (Stream<Path> files = Files.walk(TestHub.PROJECT.resolve("routes"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path to = routes.resolve(TestHub.PROJECT.resolve("routes").relativize(f));
                Files.createDirectories(to.getParent());
                Files.copy(f, to);
            }
        }
        // stands in for the probes, digests and actions: leader-only work, made visible to the test
        Files.writeString(routes.resolve("leader-work.camel.yaml"), """
                - route:
                    id: leader-work
                    from:
                      uri: master:alerthub:timer:leader-work?period=250
                      steps:
                        - setBody:
                            constant: "{{alerthub.cluster.member}}"
                        - to: "{{test.leader-work-url}}"
                """);
        // a real probe, evaluated every second: only the leader may evaluate it
        Files.writeString(routes.resolve("probes/replica-probe.camel.yaml"), """
                - templatedRoute:
                    routeTemplateRef: promql-probe
                    parameters:
                      - name: id
                        value: replica-probe
                      - name: every
                        value: 1s
                      - name: query
                        value: up
                      - name: op
                        value: "<"
                      - name: threshold
                        value: "0"
                      - name: severity
                        value: info
                """);
        Map<String, String> common = Map.of(
                "alerthub.routes-dir", routes.toString(),
                "alerthub.store.url", schema.url(),
                "alerthub.store.username", PostgresSchema.USER,
                "alerthub.pagerduty.url", pagerDuty.url("/v2/enqueue"),
                "alerthub.pagerduty.routing-key", "test-routing-key-0123456789abcdef",
                "alerthub.cluster.lock-dir", work.resolve("cluster").toString(),
                "test.leader-work-url", leaderWork.url("/leader-work"),
                "alerthub.prometheus.url", prometheus.url(""));
        a = HubProcess.start("hub-a", work, with(common, "alerthub.cluster.member", "hub-a"));
        b = HubProcess.start("hub-b", work, with(common, "alerthub.cluster.member", "hub-b"));
        a.awaitReady(Duration.ofSeconds(90));
        b.awaitReady(Duration.ofSeconds(90));
    }

    static Map<String, String> with(Map<String, String> base, String key, String value) {
        var m = new java.util.LinkedHashMap<>(base);
        m.put(key, value);
        return m;
    }

    @AfterAll
    static void stop() {
        for (HubProcess h : new HubProcess[] {a, b}) {
            if (h != null) {
                h.close();
                // kept in the test output: what went wrong inside a replica, if anything
                h.log().lines().filter(l -> l.contains(" ERROR ") || l.contains(" WARN "))
                        .forEach(l -> System.out.println("[" + h.name() + "] " + l));
            }
        }
        pagerDuty.close();
        leaderWork.close();
        prometheus.close();
        schema.close();
    }

    static final String EVALUATED = "alerthub_probe_evaluations_total{kind=\"promql\",outcome=\"ok\"}";
    static final String STANDBY = "alerthub_probe_evaluations_total{kind=\"promql\",outcome=\"standby\"}";

    static double evaluated(HubProcess hub) {
        return hub.metric(EVALUATED);
    }

    @Test
    @Order(1)
    void theSameGroupPostedToBothReplicasPagesOnce() {
        byte[] firing = Fixtures.webhook("webhook-firing-critical");
        // Alertmanager HA: every Alertmanager sends the group to its receiver, i.e. to both replicas
        for (int i = 0; i < 3; i++) {
            var ra = CompletableFuture.supplyAsync(() -> a.postWebhook(firing));
            var rb = CompletableFuture.supplyAsync(() -> b.postWebhook(firing));
            assertThat(ra.join().statusCode()).isEqualTo(200);
            assertThat(rb.join().statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> pagerDuty.accepted().size() >= 1);

        byte[] resolved = Fixtures.webhook("webhook-resolved");
        var ra = CompletableFuture.supplyAsync(() -> a.postWebhook(resolved));
        var rb = CompletableFuture.supplyAsync(() -> b.postWebhook(resolved));
        assertThat(ra.join().statusCode()).isEqualTo(200);
        assertThat(rb.join().statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> pagerDuty.accepted().size() >= 2);

        // and nothing more arrives: one trigger, one resolve, for the same incident
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> pagerDuty.requests().size() == 2);
        List<String> actions = pagerDuty.accepted().stream().map(r -> r.body().contains("\"event_action\":\"trigger\"")
                ? "trigger" : r.body().contains("\"event_action\":\"resolve\"") ? "resolve" : r.body()).toList();
        assertThat(actions).containsExactly("trigger", "resolve");
        assertThat(pagerDuty.violations()).isEmpty();
    }

    @Test
    @Order(2) // kills a replica
    void whenTheLeaderDiesTheOtherReplicaTakesOverTheLeaderOnlyWorkAndTheProbesWithin15Seconds() {
        await().atMost(Duration.ofSeconds(20)).until(() -> a.metric("alerthub_cluster_leader") + b.metric("alerthub_cluster_leader") == 1
                && !leaderWork.requests().isEmpty());
        HubProcess leader = a.metric("alerthub_cluster_leader") == 1 ? a : b;
        HubProcess follower = leader == a ? b : a;
        // only the leader does the work: the test route, and the probes
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> leaderWork.requests().stream()
                .allMatch(r -> r.body().equals(leader.name())));
        await().atMost(Duration.ofSeconds(10)).until(() -> evaluated(leader) > 0);
        assertThat(evaluated(follower)).as("a follower evaluates no probe").isLessThanOrEqualTo(0);
        assertThat(follower.metric(STANDBY)).as("it stands by at every firing").isGreaterThan(0);

        leader.kill();
        Instant killed = Instant.now();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> leaderWork.requests().stream()
                .anyMatch(r -> r.body().equals(follower.name()) && r.at().isAfter(killed)));
        Duration takeover = Duration.between(killed, Instant.now());
        assertThat(takeover).isLessThan(Duration.ofSeconds(15));
        assertThat(follower.metric("alerthub_cluster_leader")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(15).minus(takeover)).until(() -> evaluated(follower) > 0);
        System.out.println("leader " + leader.name() + " killed; " + follower.name() + " took over in " + takeover.toMillis() + " ms");
    }
}
