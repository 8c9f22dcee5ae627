package dev.alerthub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * The machine's real Prometheus (/usr/bin/prometheus, the Debian package), started the way
 * shared/fixtures/tools/start-prometheus.sh starts it, but on a free 127.0.0.1 port with its config
 * and TSDB in a temp folder, scraping the given targets every second. Stopped (and its folder
 * removed) by {@link #close}.
 */
public final class PrometheusServer implements AutoCloseable {
    public static final String BINARY = "/usr/bin/prometheus";

    private final Process process;
    private final Path dir;
    private final int port;

    private PrometheusServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Starts Prometheus scraping {@code targets} (host:port, path /metrics) every second. */
    public static PrometheusServer start(String... targets) {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: apt-get install -y prometheus (the tests need the "
                    + "real Prometheus; .ci/run installs it)");
        }
        try {
            Path dir = Files.createTempDirectory("alerthub-prometheus");
            String config = """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 900ms
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: exporter
                        static_configs:
                          - targets: [%s]
                    """.formatted(String.join(", ", Stream.of(targets).map(t -> "'" + t + "'").toList()));
            Files.writeString(dir.resolve("prometheus.yml"), config);
            int port = Ports.free();
            Process p = new ProcessBuilder(BINARY,
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--web.external-url=http://127.0.0.1:" + port + "/",
                    "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            PrometheusServer server = new PrometheusServer(p, dir, port);
            HttpClient http = HttpClient.newHttpClient();
            try {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
                    }
                    try {
                        return http.send(HttpRequest.newBuilder(URI.create(server.url() + "/-/ready")).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The answer of an instant query, for a test waiting until Prometheus has scraped what it set. */
    public String query(String promql) {
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create(url() + "/api/v1/query?query="
                    + java.net.URLEncoder.encode(promql, java.nio.charset.StandardCharsets.UTF_8))).build();
            return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until Prometheus has scraped something for this query (its first scrapes take a few seconds). */
    public PrometheusServer awaitData(String promql) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> query(promql).contains("\"metric\""));
        return this;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> all = files.sorted(Comparator.reverseOrder()).toList();
            for (Path f : all) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // a temp folder left behind is not worth failing a test for
        }
    }
}
