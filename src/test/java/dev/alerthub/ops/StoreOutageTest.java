package dev.alerthub.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.store.Database;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.PostgresSchema;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Store outage on the machine's PostgreSQL, with an Alertmanager-like caller sending a new alert
 * every 50 ms and retrying each until it gets 200: the store refusing connections, then hanging
 * (a held table lock). While it is out, webhooks get 503 + Retry-After within seconds and the hub is
 * not ready; afterwards it recovers without a restart, and every alert acknowledged with 200 is
 * stored and paged exactly once.
 */
class StoreOutageTest {
    /** commit-timeout (5 s) plus the round trip on a loaded 2-core machine: "within a few seconds". */
    private static final long MAX_ANSWER_MILLIS = 8_000;

    private final String role = "alerthub_outage_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private PostgresSchema schema;
    private HttpStub pagerDuty;
    private TestHub hub;
    private Caller caller;

    @BeforeEach
    void start() throws SQLException {
        schema = new PostgresSchema();
        admin("CREATE ROLE " + role + " LOGIN");
        admin("GRANT ALL ON SCHEMA " + schema.name() + " TO " + role);
        pagerDuty = SinkStubs.pagerDuty();
        hub = TestHub.builder().storeUrl(schema.url()).property("alerthub.store.username", role)
                .pagerDuty(pagerDuty).start();
        caller = new Caller(hub);
    }

    @AfterEach
    void stop() throws SQLException {
        caller.stop();
        hub.close();
        pagerDuty.close();
        schema.close();
        admin("DROP ROLE IF EXISTS " + role);
    }

    @Test
    void refusedConnectionsGet503WithinSecondsAndNotReadyThenRecoverWithoutRestartLosingNothing() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> caller.acknowledged.size() >= 3);
        // the store refuses the hub mid-run: its sessions are ended and every new one is refused by the
        // server (a port nothing listens on would only refuse at start-up, where the hub does not start)
        admin("ALTER ROLE " + role + " NOLOGIN");
        admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
        Instant outage = Instant.now();
        await().atMost(Duration.ofSeconds(30)).until(() -> caller.refusedSince(outage) >= 2 && !storeReady());

        admin("ALTER ROLE " + role + " LOGIN");
        int before = caller.acknowledged.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> caller.acknowledged.size() >= before + 3 && storeReady());
        assertNothingAcknowledgedIsLost();
    }

    @Test
    void aHungStoreGets503WithinSecondsAndNotReadyThenRecoversWithoutRestartLosingNothing() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> caller.acknowledged.size() >= 3);
        try (Connection lock = DriverManager.getConnection(PostgresSchema.SERVER, PostgresSchema.user(), "")) {
            // the store accepts connections and answers pings, but every write on alerts waits
            lock.setAutoCommit(false);
            try (Statement st = lock.createStatement()) {
                st.execute("LOCK TABLE " + schema.name() + ".alerts IN ACCESS EXCLUSIVE MODE");
            }
            Instant outage = Instant.now();
            await().atMost(Duration.ofSeconds(30)).until(() -> caller.refusedSince(outage) >= 2 && !storeReady());
            lock.rollback();
        }
        int before = caller.acknowledged.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> caller.acknowledged.size() >= before + 3 && storeReady());
        assertNothingAcknowledgedIsLost();
    }

    private void assertNothingAcknowledgedIsLost() {
        caller.stop();
        assertThat(caller.answers).as("every answer during the outage was 200, or 503 with Retry-After, in time")
                .allSatisfy(a -> {
                    assertThat(a.status()).isIn(200, 503);
                    assertThat(a.millis()).isLessThan(MAX_ANSWER_MILLIS);
                    if (a.status() == 503) {
                        assertThat(a.retryAfter()).isNotNull();
                        assertThat(a.message()).contains("state store unavailable");
                    }
                });
        Set<String> acknowledged = Set.copyOf(caller.acknowledged);
        Database db = hub.bean("database", Database.class);
        for (String name : acknowledged) {
            assertThat(db.queryLong("SELECT COUNT(*) FROM alerts WHERE alertname = ?", name)).as(name).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> pagesPerAlert().keySet().containsAll(acknowledged));
        // a page PagerDuty accepted while the store refused to record it is sent again once the store is
        // back: one incident all the same (one dedup_key per alert), never a second one
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> dedupKeysPerAlert().values().stream().allMatch(keys -> keys.size() == 1));
    }

    /** The dedup_keys PagerDuty was sent triggers with, per alert name. */
    private Map<String, Set<String>> dedupKeysPerAlert() {
        Map<String, Set<String>> out = new ConcurrentHashMap<>();
        for (HttpStub.Request r : pagerDuty.accepted()) {
            JsonNode e = json(r.body());
            if (e.path("event_action").asText().equals("trigger")) {
                out.computeIfAbsent(e.path("payload").path("class").asText(), k -> ConcurrentHashMap.newKeySet())
                        .add(e.path("dedup_key").asText());
            }
        }
        return out;
    }

    /** PagerDuty triggers per alert name. */
    private Map<String, Integer> pagesPerAlert() {
        Map<String, Integer> out = new ConcurrentHashMap<>();
        for (HttpStub.Request r : pagerDuty.accepted()) {
            JsonNode e = json(r.body());
            if (e.path("event_action").asText().equals("trigger")) {
                out.merge(e.path("payload").path("class").asText(), 1, Integer::sum);
            }
        }
        return out;
    }

    private boolean storeReady() {
        HttpResponse<String> r = hub.get(hub.managementUrl("/observe/health/ready?exposureLevel=full&data=true"));
        return HealthAndMetricsTest.check(json(r.body()), "store").path("status").asText().equals("UP");
    }

    private static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(s, e);
        }
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(PostgresSchema.SERVER, PostgresSchema.user(), "");
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** One answer the caller got. */
    record Answer(int status, long millis, Instant at, String retryAfter, String message) {
    }

    /** Alertmanager's part: alert n is re-sent until it gets 200, then alert n+1 (one at a time). */
    static final class Caller {
        final List<Answer> answers = new CopyOnWriteArrayList<>();
        final List<String> acknowledged = new CopyOnWriteArrayList<>();
        private final AtomicInteger next = new AtomicInteger();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        Caller(TestHub hub) {
            timer.scheduleWithFixedDelay(() -> send(hub), 0, 50, TimeUnit.MILLISECONDS);
        }

        private void send(TestHub hub) {
            String name = "Outage" + next.get();
            byte[] body = AlertmanagerWebhook.create().firing(Map.of("alertname", name, "severity", "critical"),
                    Map.of("summary", name), Instant.parse("2026-12-01T10:00:00Z")).bytes();
            long t0 = System.nanoTime();
            HttpResponse<String> r = hub.postWebhook(body);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            answers.add(new Answer(r.statusCode(), millis, Instant.now(), r.headers().firstValue("Retry-After")
                    .orElse(null), json(r.body()).path("message").asText()));
            if (r.statusCode() == 200) {
                acknowledged.add(name);
                next.incrementAndGet();
            }
        }

        long refusedSince(Instant t) {
            return answers.stream().filter(a -> a.status() == 503 && a.at().isAfter(t)).count();
        }

        void stop() {
            timer.shutdown();
            try {
                timer.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
