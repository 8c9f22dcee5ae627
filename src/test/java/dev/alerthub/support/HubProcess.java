package dev.alerthub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * The hub in a JVM of its own, started from a temp working directory (as a user would run it), with
 * its output in a log file. Two ways: the packaged {@code java -jar target/alerthub.jar}
 * ({@link #builder()}, for *IT tests that failsafe runs after the jar is built), or
 * {@code java -cp <test classpath> dev.alerthub.AlerthubMain} ({@link #start(String, Path, Map)}, for
 * what only separate processes show in the ordinary test phase: replicas, a killed leader).
 */
public final class HubProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    private final int port;
    private final int managementPort;
    private final HttpClient http = HttpClient.newHttpClient();

    private HubProcess(String name, Process process, Path log, int port, int managementPort) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
        this.managementPort = managementPort;
    }

    public static Path jar() {
        String jar = System.getProperty("alerthub.jar", "target/alerthub.jar");
        Path p = Path.of(jar).toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: run these tests with `mvn verify` (after package)");
        }
        return p;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a hub from the test classpath with these properties (as -D options); does not wait. */
    public static HubProcess start(String name, Path workDir, Map<String, String> properties) {
        Builder b = builder().name(name).workDir(workDir).fromClasspath();
        properties.forEach(b::property);
        return b.start();
    }

    public static final class Builder {
        private final Map<String, String> props = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private String name = "hub";
        private boolean classpath;
        private Path workDir;
        private Integer port;
        private Integer managementPort;

        public Builder property(String k, String v) {
            props.put(k, v);
            return this;
        }

        public Builder env(String k, String v) {
            env.put(k, v);
            return this;
        }

        public Builder name(String n) {
            this.name = n;
            return this;
        }

        /** Run dev.alerthub.AlerthubMain from the test classpath instead of the packaged jar. */
        public Builder fromClasspath() {
            this.classpath = true;
            return this;
        }

        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** Ports passed as environment variables instead of -D (CAMEL_SERVER_PORT, CAMEL_MANAGEMENT_PORT). */
        public Builder portsFromEnvironment() {
            port = Ports.free();
            managementPort = Ports.free();
            env.put("CAMEL_SERVER_PORT", String.valueOf(port));
            env.put("CAMEL_MANAGEMENT_PORT", String.valueOf(managementPort));
            return this;
        }

        public Builder port(int p) {
            this.port = p;
            props.put("camel.server.port", String.valueOf(p));
            return this;
        }

        public HubProcess start() {
            try {
                Path dir = workDir != null ? workDir : Files.createTempDirectory("alerthub-proc");
                int p = port != null ? port : Ports.free();
                int m = managementPort != null ? managementPort : Ports.free();
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.add("-Xmx256m");
                if (classpath) {
                    cmd.add("-XX:TieredStopAtLevel=1");
                }
                cmd.add("-Dalerthub.config-dir=" + TestHub.PROJECT.resolve("config"));
                cmd.add("-Dalerthub.routes-dir=" + TestHub.PROJECT.resolve("routes"));
                cmd.add("-Dcamel.server.host=127.0.0.1");
                cmd.add("-Dcamel.management.host=127.0.0.1");
                if (!env.containsKey("CAMEL_SERVER_PORT")) {
                    cmd.add("-Dcamel.server.port=" + p);
                }
                if (!env.containsKey("CAMEL_MANAGEMENT_PORT")) {
                    cmd.add("-Dcamel.management.port=" + m);
                }
                cmd.add("-Dalerthub.public-url=http://alerthub.test:8080");
                props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
                if (classpath) {
                    cmd.add("-cp");
                    cmd.add(System.getProperty("java.class.path"));
                    cmd.add("dev.alerthub.AlerthubMain");
                } else {
                    cmd.add("-jar");
                    cmd.add(jar().toString());
                }
                Path log = dir.resolve(name + "-" + System.nanoTime() + ".log");
                ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                pb.environment().putAll(env);
                return new HubProcess(name, pb.start(), log, p, m);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Waits until /observe/health/ready answers 200; fails with the hub's log if it exits first. */
    public HubProcess awaitReady(Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                return get(managementUrl("/observe/health/ready")).statusCode() == 200;
            } catch (UncheckedIOException e) {
                return false;
            }
        });
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public String managementUrl(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    public Process process() {
        return process;
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** A value from /observe/metrics, or -1 when the series is absent or the hub does not answer. */
    public double metric(String series) {
        try {
            return get(managementUrl("/observe/metrics")).body().lines().filter(l -> l.startsWith(series + " "))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public HttpResponse<String> postWebhook(byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(url("/webhooks/alertmanager")))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    public HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build());
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

    /** kill -9: no shutdown hook, no flush, nothing graceful. */
    public void kill() {
        process.destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
    }

    @Override
    public void close() {
        Processes.stop(process, 20);
    }
}
