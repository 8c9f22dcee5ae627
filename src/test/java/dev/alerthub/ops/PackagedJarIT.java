package dev.alerthub.ops;

import dev.alerthub.support.Fixtures;
import dev.alerthub.support.Ports;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operations features through {@code target/alerthub.jar} itself, where a shading mistake
 * (service files of several jars overwriting each other) would break them though every in-process
 * test passes.
 */
class PackagedJarIT {
    static final Path JAR = TestHub.PROJECT.resolve("target/alerthub.jar");
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @Test
    void validateChecksTheShippedRoutesAndAFileFromTheJar() throws Exception {
        Process ok = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "validate").directory(TestHub.PROJECT.toFile())
                .redirectErrorStream(true).start();
        String out = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ok.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ok.exitValue()).as(out).isZero();
        assertThat(out).contains("route file(s) valid");

        Path bad = work.resolve("bad.camel.yaml");
        Files.writeString(bad, """
                - route:
                    id: bad
                    from:
                      uri: direct:bad
                      steps:
                        - setHedaer:
                            name: x
                            constant: y
                """);
        Process broken = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "validate", bad.toString())
                .directory(TestHub.PROJECT.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String problems = new String(broken.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(broken.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(broken.exitValue()).isEqualTo(1);
        assertThat(problems.strip()).isEqualTo(bad + ":6: unknown key 'setHedaer'; did you mean 'setHeader'?");
    }

    @Test
    void theJarServesWebhooksHealthMetricsAndJolokia() throws Exception {
        int port = Ports.free();
        int mgmt = Ports.free();
        Process hub = new ProcessBuilder(JAVA, "-Xmx256m",
                "-Dcamel.server.host=127.0.0.1", "-Dcamel.server.port=" + port,
                "-Dcamel.management.host=127.0.0.1", "-Dcamel.management.port=" + mgmt,
                "-Dcamel.management.jolokia-enabled=true",
                "-Dalerthub.store.url=jdbc:h2:file:" + work.resolve("data/alerthub"),
                "-jar", JAR.toString())
                .directory(TestHub.PROJECT.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("hub.log").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                assertThat(hub.isAlive()).as(Files.readString(work.resolve("hub.log"))).isTrue();
                return status("http://127.0.0.1:" + mgmt + "/observe/health/ready") == 200;
            });
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/webhooks/alertmanager"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.webhook("webhook-firing-critical"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).isEqualTo(200);

            // the request is timed when its exchange completes, just after the answer is written
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get("http://127.0.0.1:" + mgmt
                    + "/observe/metrics").body())
                    .contains("alerthub_webhook_request_seconds_count{source=\"alertmanager\",status=\"200\"} 1")
                    .contains("alerthub_cluster_leader"));
            HttpResponse<String> jolokia = get("http://127.0.0.1:" + mgmt + "/observe/jolokia/read/"
                    + "org.apache.camel:context=alerthub,type=routes,name=%22intake-alertmanager%22/State");
            assertThat(jolokia.body()).contains("\"value\":\"Started\"").contains("\"status\":200");
        } finally {
            hub.destroy();
            if (!hub.waitFor(30, TimeUnit.SECONDS)) {
                hub.destroyForcibly();
            }
        }
        List<String> log = Files.readAllLines(work.resolve("hub.log"));
        assertThat(log).noneMatch(l -> l.contains(" ERROR "));
    }

    HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    int status(String url) {
        try {
            return get(url).statusCode();
        } catch (java.io.IOException e) {
            return -1; // not listening yet
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
