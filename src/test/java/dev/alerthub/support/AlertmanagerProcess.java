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
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * The real Alertmanager (Debian's prometheus-alertmanager) on a free 127.0.0.1 port, clustering off,
 * in a temp directory; started as the fixtures were captured (shared/fixtures/tools).
 */
public final class AlertmanagerProcess implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");

    private final Process process;
    private final int port;
    private final Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    private AlertmanagerProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static AlertmanagerProcess start(String configYaml) {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " is missing: install it with `apt-get install -y prometheus-alertmanager`"
                    + " (.ci/run does)");
        }
        try {
            Path dir = Files.createTempDirectory("alertmanager");
            Path config = dir.resolve("alertmanager.yml");
            Files.writeString(config, configYaml);
            int port = Ports.free();
            Process p = new ProcessBuilder(List.of(BINARY.toString(), "--config.file=" + config,
                    "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                    "--web.external-url=http://127.0.0.1:" + port + "/", "--cluster.listen-address=",
                    "--log.level=warn"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
            AlertmanagerProcess am = new AlertmanagerProcess(p, port, dir);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (!p.isAlive()) {
                    throw new AssertionError("alertmanager exited: " + Files.readString(dir.resolve("alertmanager.log")));
                }
                try {
                    return am.get("/-/ready").statusCode() == 200;
                } catch (UncheckedIOException e) {
                    return false;
                }
            });
            return am;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** POST /api/v2/alerts, as Prometheus (or amtool) would. */
    public void postAlerts(String jsonArray) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url("/api/v2/alerts")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonArray)).build());
        if (r.statusCode() != 200) {
            throw new AssertionError("alertmanager refused alerts: " + r.statusCode() + " " + r.body());
        }
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET().build());
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("alertmanager.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private HttpResponse<String> send(HttpRequest r) {
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        Processes.stop(process, 10);
    }
}
