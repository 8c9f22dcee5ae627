package dev.alerthub.support;

import dev.alerthub.AlerthubMain;
import dev.alerthub.store.AlertStore;
import dev.alerthub.store.Database;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * The real hub (AlerthubMain, the project's config/ and routes/) started in-process on free
 * 127.0.0.1 ports with an H2 store in a temp folder, unless told otherwise. Retry delays are short
 * so that retry behaviour can be tested in milliseconds.
 */
public final class TestHub implements AutoCloseable {
    public static final Path PROJECT = Path.of("").toAbsolutePath();

    private final Main main;
    private final int port;
    private final int managementPort;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestHub(Map<String, String> overrides, int port, int managementPort, Path dataDir) {
        this.port = port;
        this.managementPort = managementPort;
        this.dataDir = dataDir;
        this.main = AlerthubMain.create(overrides);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Map<String, String> props = new LinkedHashMap<>();
        private final Map<String, Object> beans = new LinkedHashMap<>();
        private Path dataDir;

        public Builder property(String key, String value) {
            props.put(key, value);
            return this;
        }

        public Builder pagerDuty(HttpStub stub) {
            props.put("alerthub.pagerduty.url", stub.url("/v2/enqueue"));
            props.put("alerthub.pagerduty.routing-key", "test-routing-key-0123456789abcdef");
            return this;
        }

        public Builder slack(HttpStub stub) {
            props.put("alerthub.slack.webhook-url", stub.url("/services/T000/B000/XXXX"));
            return this;
        }

        public Builder smtp(int port, String to) {
            props.put("alerthub.email.smtp-host", "127.0.0.1");
            props.put("alerthub.email.smtp-port", String.valueOf(port));
            props.put("alerthub.email.to", to);
            props.put("alerthub.email.from", "alerthub@example.test");
            return this;
        }

        /** Binds a bean before the hub's configurations run, e.g. {@code bean("clock", testClock)}. */
        public Builder bean(String name, Object bean) {
            beans.put(name, bean);
            return this;
        }

        public Builder routesDir(Path dir) {
            props.put("alerthub.routes-dir", dir.toString());
            return this;
        }

        /** Keep the H2 store in this folder (to restart a hub on the same store). */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder storeUrl(String url) {
            props.put("alerthub.store.url", url);
            return this;
        }

        public TestHub start() {
            try {
                Path data = dataDir != null ? dataDir : Files.createTempDirectory("alerthub-test");
                int port = Ports.free();
                int mgmt = Ports.free();
                Map<String, String> all = new LinkedHashMap<>();
                all.put("alerthub.config-dir", PROJECT.resolve("config").toString());
                all.put("alerthub.routes-dir", PROJECT.resolve("routes").toString());
                all.put("camel.server.host", "127.0.0.1");
                all.put("camel.server.port", String.valueOf(port));
                all.put("camel.management.host", "127.0.0.1");
                all.put("camel.management.port", String.valueOf(mgmt));
                all.put("alerthub.store.url", "jdbc:h2:file:" + data.resolve("alerthub"));
                all.put("alerthub.public-url", "http://alerthub.test:8080");
                all.put("alerthub.delivery.initial-delay", "20");
                all.put("alerthub.delivery.max-delay", "100");
                // a delivery that keeps failing is a dead letter after 3 seconds, and a sink's circuit
                // (opened by one test's failures) is probed again before the next test needs it
                all.put("alerthub.delivery.give-up-after", "3s");
                all.put("alerthub.delivery.breaker.open-for", "200ms");
                all.put("alerthub.outbox.poll-interval", "200");
                all.put("alerthub.outbox.recovery-age", "1s");
                all.putAll(props);
                TestHub hub = new TestHub(all, port, mgmt, data);
                beans.forEach(hub.main::bind);
                hub.main.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> hub.context() != null
                        && hub.context().isStarted());
                return hub;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException("hub did not start: " + e.getMessage(), e);
            }
        }
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public String managementUrl(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    public Path dataDir() {
        return dataDir;
    }

    public HttpResponse<String> postWebhook(byte[] body) {
        return post("/webhooks/alertmanager", body, "application/json", null);
    }

    public HttpResponse<String> post(String path, byte[] body, String contentType, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b.build());
    }

    public HttpResponse<String> get(String pathOrUrl) {
        String u = pathOrUrl.startsWith("http") ? pathOrUrl : url(pathOrUrl);
        return send(HttpRequest.newBuilder(URI.create(u)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    public HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30)).DELETE().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Empties every table of the store (and the intake's view of it) between tests sharing one hub. */
    public void reset() {
        // a delivery still being retried from the previous test would otherwise post into this one
        await().atMost(Duration.ofSeconds(30)).until(() -> context().getInflightRepository().size() == 0);
        Database db = bean("database", Database.class);
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    String t = rs.getString("TABLE_NAME");
                    if (!t.equalsIgnoreCase("flyway_schema_history")) {
                        tables.add(t);
                    }
                }
            }
            boolean h2 = c.getMetaData().getURL().startsWith("jdbc:h2:");
            if (h2) {
                st.execute("SET REFERENTIAL_INTEGRITY FALSE");
                for (String t : tables) {
                    st.execute("TRUNCATE TABLE \"" + t + "\"");
                }
                st.execute("SET REFERENTIAL_INTEGRITY TRUE");
            } else if (!tables.isEmpty()) {
                st.execute("TRUNCATE TABLE " + String.join(", ", tables.stream().map(t -> "\"" + t + "\"").toList())
                        + " CASCADE");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        bean("alertStore", AlertStore.class).forgetView();
    }

    @Override
    public void close() {
        try {
            main.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
