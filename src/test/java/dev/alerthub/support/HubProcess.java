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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * The hub in a JVM of its own ({@code java -cp <test classpath> dev.alerthub.AlerthubMain}), on
 * free 127.0.0.1 ports: for what only separate processes show (replicas, a killed leader).
 * Its output goes to a log file, kept for a failing test to read.
 */
public final class HubProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final int port;
    private final int managementPort;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HubProcess(String name, Process process, int port, int managementPort, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    /** Starts a hub with the project's config/ and these properties (as -D options); does not wait. */
    public static HubProcess start(String name, Path workDir, Map<String, String> properties) {
        int port = Ports.free();
        int mgmt = Ports.free();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("alerthub.config-dir", TestHub.PROJECT.resolve("config").toString());
        all.put("alerthub.routes-dir", TestHub.PROJECT.resolve("routes").toString());
        all.put("camel.server.host", "127.0.0.1");
        all.put("camel.server.port", String.valueOf(port));
        all.put("camel.management.host", "127.0.0.1");
        all.put("camel.management.port", String.valueOf(mgmt));
        all.put("alerthub.public-url", "http://alerthub.test:8080");
        all.put("alerthub.outbox.poll-interval", "200");
        all.put("alerthub.outbox.recovery-age", "1s");
        all.putAll(properties);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        all.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("dev.alerthub.AlerthubMain");
        try {
            Path log = workDir.resolve(name + ".log");
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            return new HubProcess(name, p, port, mgmt, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public HubProcess awaitReady(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + log());
            }
            return status(managementUrl("/observe/health/ready")) == 200;
        });
        return this;
    }

    public String name() {
        return name;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public String managementUrl(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public HttpResponse<String> postWebhook(byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(url("/webhooks/alertmanager"))).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** A value from /observe/metrics, or -1 when the series is absent or the hub does not answer. */
    public double metric(String series) {
        try {
            return send(HttpRequest.newBuilder(URI.create(managementUrl("/observe/metrics"))).GET().build()).body()
                    .lines().filter(l -> l.startsWith(series + " "))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** As a crash or an OOM kill would: no shutdown hook runs, nothing is released politely. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int status(String url) {
        try {
            return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build()).statusCode();
        } catch (RuntimeException e) {
            return -1;
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
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
