package dev.alerthub.ops;

import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.LogCapture;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Operators edit the router while the hub runs: a valid edit replaces the routes, a broken one is
 * rejected with file and line in the log and the previous routes keep serving.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SafeRouteReloadTest {
    @TempDir
    static Path routes;
    static HttpStub pagerDuty;
    static HttpStub slack;
    static TestHub hub;

    @BeforeAll
    static void start() throws IOException {
        try (Stream<Path> files = Files.walk(TestHub.PROJECT.resolve("routes"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path to = routes.resolve(TestHub.PROJECT.resolve("routes").relativize(f));
                Files.createDirectories(to.getParent());
                Files.copy(f, to);
            }
        }
        pagerDuty = SinkStubs.pagerDuty();
        slack = SinkStubs.slack();
        hub = TestHub.builder().pagerDuty(pagerDuty).slack(slack).routesDir(routes).start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        pagerDuty.close();
        slack.close();
    }

    @Test
    @Order(1)
    void aValidEditReplacesTheRoutesAndABrokenOneIsRejectedWhileTheOldRoutesKeepServing() throws Exception {
        Path router = routes.resolve("route/router.camel.yaml");
        String original = Files.readString(router);

        // before: a warning goes to Slack
        assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-warning")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.accepted().size() == 1);

        // a valid edit: warnings page PagerDuty from now on
        org.apache.camel.Route intake = hub.context().getRoute("intake-alertmanager");
        String edited = original.replace("                  - to: direct:slack\n", "                  - to: direct:pagerduty\n");
        assertThat(edited).isNotEqualTo(original);
        save(router, edited);
        await().atMost(Duration.ofSeconds(15)).until(() -> metric("alerthub_routes_reloads_total{outcome=\"applied\",}") >= 1);
        assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-warning-2-alerts")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 1);
        assertThat(pagerDuty.accepted().get(0).body()).contains("HighLatencyP95").contains("search");
        // only the router's file changed: the webhook route was never stopped
        assertThat(hub.context().getRoute("intake-alertmanager")).isSameAs(intake);
        assertThat(slack.accepted()).hasSize(1);

        // a broken edit (a misspelt component): rejected, file and line logged, old routes keep running
        int routesBefore = hub.context().getRoutes().size();
        try (LogCapture log = new LogCapture()) {
            save(router, edited.replace("- to: direct:email", "- to: emial:oncall"));
            await().atMost(Duration.ofSeconds(15)).until(() -> log.lines().stream()
                    .anyMatch(l -> l.startsWith("Route reload rejected: ")));
            int line = lineOf(original, "- to: direct:email");
            assertThat(log.lines()).contains("Route reload rejected: " + routes.getFileName()
                    + "/route/router.camel.yaml:" + line + ": unknown endpoint 'emial://oncall': no component 'emial' (route alert-router)");
        }
        assertThat(metric("alerthub_routes_reloads_total{outcome=\"rejected\",}")).isEqualTo(1);
        assertThat(hub.context().getRoutes()).hasSize(routesBefore);
        assertThat(hub.context().getRouteController().getRouteStatus("alert-router")).isEqualTo(ServiceStatus.Started);
        assertThat(hub.context().getRouteController().getRouteStatus("intake-alertmanager")).isEqualTo(ServiceStatus.Started);
        // still the last good router: a new warning pages
        assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-critical")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> pagerDuty.accepted().size() == 2);

        // the hub's own meters survived both reloads and kept counting (1 warning, then a group of 2)
        assertThat(metric("alerthub_alerts_received_total{severity=\"warning\",source=\"alertmanager\",status=\"firing\",}"))
                .isEqualTo(3);
        assertThat(metric("alerthub_notifications_total{outcome=\"sent\",sink=\"pagerduty\",}")).isEqualTo(2);
    }

    @Test
    @Order(2)
    void newAndDeletedFilesAddAndRemoveTheirRoutesAndASharedChangeReloadsEverything() throws Exception {
        Path router = routes.resolve("route/router.camel.yaml");
        saveAndAwaitReload(router, Files.readString(TestHub.PROJECT.resolve("routes/route/router.camel.yaml")));

        Path team = routes.resolve("route/team-payments.camel.yaml");
        saveAndAwaitReload(team, """
                - route:
                    id: team-payments
                    from:
                      uri: direct:team-payments
                      steps:
                        - to: direct:slack
                """);
        assertThat(hub.context().getRoute("team-payments")).isNotNull();

        double applied = metric("alerthub_routes_reloads_total{outcome=\"applied\",}");
        Files.delete(team);
        await().atMost(Duration.ofSeconds(15)).until(() -> hub.context().getRoute("team-payments") == null);
        await().atMost(Duration.ofSeconds(5)).until(() -> metric("alerthub_routes_reloads_total{outcome=\"applied\",}") > applied);

        // the retry policy is used by routes in other files: all routes are reloaded, and work
        Path policy = routes.resolve("notify/delivery-policy.camel.yaml");
        org.apache.camel.Route intake = hub.context().getRoute("intake-alertmanager");
        saveAndAwaitReload(policy, Files.readString(policy) + "# reviewed\n");
        assertThat(hub.context().getRoute("intake-alertmanager")).isNotSameAs(intake);
        assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-info")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.get("/api/alerts").body().contains("DeploymentRolledOut"));
        assertThat(hub.context().getRoutes()).allSatisfy(r -> assertThat(
                hub.context().getRouteController().getRouteStatus(r.getRouteId())).isEqualTo(ServiceStatus.Started));
    }

    @Test
    @Order(3)
    void aProbeFileWithAMisspeltParameterIsRejectedNamingFileAndLine() throws Exception {
        long rejected = (long) metric("alerthub_routes_reloads_total{outcome=\"rejected\",}");
        int routesBefore = hub.context().getRoutes().size();
        Path probe = routes.resolve("probes/checkout-errors.camel.yaml");
        try (LogCapture log = new LogCapture()) {
            save(probe, """
                    - templatedRoute:
                        routeTemplateRef: promql-probe
                        parameters:
                          - name: id
                            value: checkout-errors
                          - name: every
                            value: 15s
                          - name: query
                            value: sum(rate(http_requests_total{code=~"5.."}[5m]))
                          - name: op
                            value: ">"
                          - name: treshold
                            value: "0.05"
                          - name: severity
                            value: critical
                    """);
            await().atMost(Duration.ofSeconds(15)).until(() -> log.lines().stream()
                    .anyMatch(l -> l.startsWith("Route reload rejected: ") && l.contains("checkout-errors.camel.yaml:12:")
                            && l.contains("'treshold'")));
        }
        assertThat(metric("alerthub_routes_reloads_total{outcome=\"rejected\",}")).isGreaterThan(rejected);
        assertThat(hub.context().getRoutes()).hasSize(routesBefore);
        assertThat(hub.context().getRoute("probe-checkout-errors")).isNull();
        Files.delete(probe);
    }

    @Test
    @Order(4)
    void whileAReloadReplacesTheWebhookRouteNoWebhookIsAnswered404() throws Exception {
        // a change to the retry policy replaces every route, the webhook's too; post meanwhile
        Path policy = routes.resolve("notify/delivery-policy.camel.yaml");
        org.apache.camel.Route intake = hub.context().getRoute("intake-alertmanager");
        java.util.List<java.net.http.HttpResponse<String>> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean posting = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread poster = new Thread(() -> {
            while (posting.get()) {
                answers.add(hub.postWebhook(Fixtures.webhook("webhook-firing-warning")));
            }
        });
        poster.start();
        try {
            saveAndAwaitReload(policy, Files.readString(policy) + "# reviewed again\n");
            await().atMost(Duration.ofSeconds(15)).until(() -> hub.context().getRoute("intake-alertmanager") != intake
                    && answers.size() > 0 && answers.get(answers.size() - 1).statusCode() == 200);
        } finally {
            posting.set(false);
            poster.join(30_000);
        }
        System.out.println("answers during the reload: " + answers.stream().map(r -> r.statusCode())
                .collect(java.util.stream.Collectors.groupingBy(c -> c, java.util.stream.Collectors.counting())));
        // Alertmanager drops a 4xx for good and retries a 5xx: no 4xx may come back. (A rare 500 from a
        // consumer stopping mid-request is still seen under load; 503 is what the gate answers.)
        assertThat(answers).allSatisfy(r -> {
            assertThat(r.statusCode() / 100).as(r.statusCode() + " " + r.body()).isNotEqualTo(4);
            if (r.statusCode() == 503) {
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
            }
        });
    }

    static void saveAndAwaitReload(Path file, String text) {
        double applied = metric("alerthub_routes_reloads_total{outcome=\"applied\",}");
        save(file, text);
        // a reload of every route takes 3 s on an idle 2-core machine, 15 s under load
        await().atMost(Duration.ofSeconds(60)).until(() -> metric("alerthub_routes_reloads_total{outcome=\"applied\",}") > applied);
    }

    /** Written elsewhere and moved in, as editors save: the watcher never sees half a file. */
    static void save(Path file, String text) {
        try {
            Path tmp = Files.createTempFile(routes.getParent(), "edit", ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int lineOf(String text, String needle) {
        var lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(needle)) {
                return i + 1;
            }
        }
        throw new AssertionError(needle);
    }

    static double metric(String series) {
        return hub.get(hub.managementUrl("/observe/metrics")).body().lines()
                .filter(l -> l.startsWith(series + " ") || l.startsWith(series.replace(",}", "}") + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0);
    }
}
