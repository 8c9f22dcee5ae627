package dev.alerthub.flow;

import dev.alerthub.support.HttpStub;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/routing.md's example, done the way an operator does it: uncomment the team branch in a copy
 * of routes/route/router.camel.yaml and give the team's webhook in the environment.
 */
class TeamRoutingTest {

    @Test
    void uncommentingTheTeamExampleSendsPaymentsWarningsToTheirOwnSlack() throws Exception {
        Path routes = copyOfShippedRoutes();
        Path router = routes.resolve("route/router.camel.yaml");
        // remove the "# " in front of the example's lines, keeping their indentation
        String edited = Files.readString(router).replaceAll(
                "(?m)^(\\s*)# ( *(- simple: \"\\$\\{header\\.team\\}|steps:|- setHeader:|name: target|constant: payments"
                        + "|- to: direct:slack).*)$", "$1$2");
        assertThat(edited).as("the example in the shipped router").isNotEqualTo(Files.readString(router));
        Files.writeString(router, edited);

        try (HttpStub shared = SinkStubs.slack(); HttpStub payments = SinkStubs.slack();
             TestHub hub = TestHub.builder().routesDir(routes).slack(shared)
                     .property("alerthub.slack.targets.payments.webhook-url", payments.url("/services/PAY/MENTS/X"))
                     .start()) {
            hub.postWebhook(alert("CartSlow", "payments").getBytes(StandardCharsets.UTF_8));
            hub.postWebhook(alert("SearchSlow", "search").getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> payments.accepted().size() == 1
                    && shared.accepted().size() == 1);
            assertThat(payments.accepted().get(0).body()).contains("CartSlow");
            assertThat(shared.accepted().get(0).body()).contains("SearchSlow");
        }
    }

    static String alert(String name, String team) {
        return """
                {"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"%s",
                 "severity":"warning","team":"%s","namespace":"shop"},"annotations":{"summary":"%s is slow"},
                 "startsAt":"2026-11-22T23:10:05Z"}]}""".formatted(name, team, name);
    }

    static Path copyOfShippedRoutes() throws Exception {
        Path target = Files.createTempDirectory("routes");
        Path source = TestHub.PROJECT.resolve("routes");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        return target;
    }
}
