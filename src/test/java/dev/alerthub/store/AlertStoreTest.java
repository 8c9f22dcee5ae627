package dev.alerthub.store;

import dev.alerthub.admin.HubMetrics;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.intake.AlertmanagerIntake;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.PostgresSchema;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.alerthub.alert.Json;
import dev.alerthub.intake.IntakeLimits;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The durable intake on both stores the hub supports: embedded H2 and the machine's PostgreSQL. */
class AlertStoreTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final AlertmanagerIntake intake = new AlertmanagerIntake();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private String storeUrl(String kind) throws Exception {
        if (kind.equals("postgresql")) {
            PostgresSchema schema = new PostgresSchema();
            open.add(schema);
            return schema.url();
        }
        return "jdbc:h2:file:" + Files.createTempDirectory("alerthub-store").resolve("db");
    }

    private Database database(String url) {
        Database db = Database.open(url, url.startsWith("jdbc:postgresql") ? PostgresSchema.user() : "", "");
        open.add(db);
        return db;
    }

    private AlertStore store(Database db) {
        AlertStore s = new AlertStore(db, Clock.systemUTC(), 10_000, new HubMetrics(new SimpleMeterRegistry()));
        open.add(s);
        return s;
    }

    private List<Alert> alerts(String fixture) {
        return intake.parse(Fixtures.webhook(fixture)).alerts();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void alertsAreAcknowledgedWhileRoutingAndDeliveryHoldEverySharedConnection(String kind) throws Exception {
        Database db = database(storeUrl(kind));
        AlertStore store = new AlertStore(db, Clock.systemUTC(), 2_000, new HubMetrics(new SimpleMeterRegistry()));
        open.add(store);
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                held.add(db.dataSource().getConnection());
            }
            assertThat(store.accept(alerts("webhook-firing-critical")).newEvents()).hasSize(1);
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void concurrentRequestsHandEveryNewEventToTheRouterExactlyOnceInFewBatches(String kind) throws Exception {
        AlertStore store = store(database(storeUrl(kind)));
        ExecutorService callers = Executors.newFixedThreadPool(32);
        try {
            List<Future<AlertStore.Accepted>> answers = new ArrayList<>();
            for (int r = 0; r < 200; r++) {
                int request = r;
                answers.add(callers.submit(() -> {
                    List<Alert> alerts = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        alerts.add(Alert.of(AlertStatus.FIRING, Map.of("alertname", "Storm", "instance",
                                request + "-" + i), Map.of(), Instant.parse("2026-12-08T00:00:00Z"), null, null,
                                "alertmanager"));
                    }
                    return store.accept(alerts);
                }));
            }
            List<Long> created = new ArrayList<>();
            List<Long> handed = new ArrayList<>();
            int messages = 0;
            for (Future<AlertStore.Accepted> a : answers) {
                created.addAll(a.get().newEvents());
                for (List<Long> batch : a.get().newEventBatches()) {
                    handed.addAll(batch);
                    messages++;
                }
            }
            assertThat(created).hasSize(2000).doesNotHaveDuplicates();
            assertThat(handed).as("each new event handed to the router once").hasSize(2000)
                    .containsExactlyInAnyOrderElementsOf(created);
            assertThat(messages).as("requests committed together are handed over together").isLessThan(200);
        } finally {
            callers.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void acceptedAlertsAreCommittedWithOneEventPerTransition(String kind) throws Exception {
        Database db = database(storeUrl(kind));
        AlertStore store = store(db);

        assertThat(store.accept(alerts("webhook-firing-critical")).newEvents()).hasSize(1);
        assertThat(store.accept(alerts("webhook-firing-critical")).newEvents()).as("re-send").isEmpty();
        assertThat(store.accept(alerts("webhook-resolved")).newEvents()).as("resolve").hasSize(1);
        assertThat(store.accept(alerts("webhook-resolved")).newEvents()).as("resolve re-sent").isEmpty();

        assertThat(count(db, "SELECT COUNT(*) FROM alert_events")).isEqualTo(2);
        assertThat(store.find("4cde567b6413872d").status()).isEqualTo(AlertStatus.RESOLVED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aRestartedStoreStillKnowsWhatItStored(String kind) throws Exception {
        String url = storeUrl(kind);
        Database first = database(url);
        store(first).accept(alerts("webhook-firing-warning-2-alerts"));

        AlertStore second = store(database(url));
        assertThat(second.accept(alerts("webhook-firing-warning-2-alerts")).newEvents()).isEmpty();
        assertThat(second.accept(alerts("webhook-mixed")).newEvents()).as("one of the two resolved").hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aLateFiringResendNeitherReopensNorRenotifiesAResolvedAlert(String kind) throws Exception {
        Database db = database(storeUrl(kind));
        AlertStore store = store(db);
        store.accept(alerts("webhook-resolved"));
        // e.g. the other Alertmanager of an HA pair, a group_interval late
        assertThat(store.accept(alerts("webhook-firing-critical")).newEvents()).isEmpty();
        assertThat(store.find("4cde567b6413872d").status()).isEqualTo(AlertStatus.RESOLVED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aTriggerAndItsResolveInOneBatchKeepTheirOrder(String kind) throws Exception {
        Database db = database(storeUrl(kind));
        AlertStore store = store(db);
        List<Alert> both = new ArrayList<>(alerts("webhook-firing-critical"));
        both.addAll(alerts("webhook-resolved"));
        both.addAll(alerts("webhook-firing-critical"));
        List<Long> ids = store.accept(both).newEvents();
        assertThat(ids).hasSize(2);
        assertThat(ids.get(0)).isLessThan(ids.get(1));
        assertThat(store.find("4cde567b6413872d").status()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(count(db, "SELECT COUNT(*) FROM alert_events WHERE status = 'firing'")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql"})
    void twoReplicasReceivingTheSameGroupAtOnceCreateOneEvent(String kind) throws Exception {
        String url = storeUrl(kind);
        Database db = database(url);
        AlertStore a = store(db);
        AlertStore b = store(database(url));
        List<Alert> group = alerts("webhook-truncated-firing-startsat-in-past");

        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            AlertStore s = i % 2 == 0 ? a : b;
            calls.add(() -> s.accept(group).newEvents().size());
        }
        int created = 0;
        for (Future<Integer> f : pool.invokeAll(calls)) {
            created += f.get();
        }
        pool.shutdown();
        assertThat(created).isEqualTo(group.size());
        assertThat(count(db, "SELECT COUNT(*) FROM alert_events")).isEqualTo(group.size());
    }

    /** The largest alert the default limits let through: every count and length at its maximum. */
    static Alert largestAcceptedAlert() {
        IntakeLimits l = IntakeLimits.DEFAULTS;
        // two UTF-8 bytes per character, so byte-counting columns would overflow too
        String value = "\u00fc".repeat(l.labelValueLength());
        Map<String, String> labels = new TreeMap<>();
        labels.put("alertname", value);
        for (int i = 1; i < l.labelsPerAlert(); i++) {
            labels.put(String.format("%03d", i) + "n".repeat(l.labelNameLength() - 3), value);
        }
        Map<String, String> annotations = new TreeMap<>();
        for (int i = 0; i < l.annotationsPerAlert(); i++) {
            annotations.put(String.format("%03d", i) + "a".repeat(l.labelNameLength() - 3),
                    "\u00e9".repeat(l.annotationValueLength()));
        }
        String body = Json.write(Map.of("version", "4", "alerts", List.of(Map.of("status", "firing",
                "labels", labels, "annotations", annotations, "startsAt", "2026-12-01T10:00:00Z",
                "generatorURL", "h".repeat(l.annotationValueLength())))));
        // the intake itself says it accepts this (max-bytes aside: the body is larger than one request)
        return new AlertmanagerIntake(l).parse(body.getBytes(StandardCharsets.UTF_8)).alerts().get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void theLargestAlertIntakeAcceptsIsStoredAndReadBack(String kind) throws Exception {
        Database db = database(storeUrl(kind));
        AlertStore store = store(db);
        Alert largest = largestAcceptedAlert();
        assertThat(store.accept(List.of(largest)).newEvents()).hasSize(1);
        assertThat(store.find(largest.fingerprint())).isEqualTo(largest);
        assertThat(store.accept(List.of(largest.withStatus(AlertStatus.RESOLVED, largest.startsAt().plusSeconds(60))))
                .newEvents()).as("and its resolve").hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql"})
    void aRequestTheStoreRefusesFailsAloneAndTheOthersOfItsBatchAreStored(String kind) throws Exception {
        PostgresSchema schema = new PostgresSchema();
        open.add(schema);
        Database db = database(schema.url());
        AlertStore store = store(db);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Connection lock = java.sql.DriverManager.getConnection(PostgresSchema.SERVER, PostgresSchema.user(), "")) {
            lock.setAutoCommit(false);
            try (Statement st = lock.createStatement()) {
                st.execute("LOCK TABLE " + schema.name() + ".alerts IN ACCESS EXCLUSIVE MODE");
            }
            Future<?> first = pool.submit(() -> store.accept(List.of(alert("First", "x"))));
            // the writer waits for the lock with the first request; the next ones queue into one batch
            await().atMost(Duration.ofSeconds(10)).until(() -> count(db, "SELECT COUNT(*) FROM pg_locks"
                    + " WHERE NOT granted AND relation = '" + schema.name() + ".alerts'::regclass") == 1);
            List<Future<AlertStore.Accepted>> good = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Alert a = alert("Good" + i, "x");
                good.add(pool.submit(() -> store.accept(List.of(a))));
            }
            // bypassing intake: a value no column can keep (intake's limits would have refused it)
            Future<AlertStore.Accepted> bad = pool.submit(() -> store.accept(List.of(alert("x".repeat(3000), "x"))));
            await().atMost(Duration.ofSeconds(10)).until(() -> store.queued() == 6);
            lock.rollback();

            first.get();
            assertThatThrownBy(bad::get).hasCauseInstanceOf(StoreRefusedException.class);
            for (Future<AlertStore.Accepted> g : good) {
                assertThat(g.get().newEvents()).hasSize(1);
            }
            assertThat(count(db, "SELECT COUNT(*) FROM alerts")).isEqualTo(6);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Alert alert(String name, String value) {
        return Alert.of(AlertStatus.FIRING, Map.of("alertname", name, "v", value), Map.of(),
                Instant.parse("2026-12-01T10:00:00Z"), null, null, "alertmanager");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aRestartedStoreRemembersOnlyItsFiringAlerts(String kind) throws Exception {
        String url = storeUrl(kind);
        store(database(url)).accept(alerts("webhook-firing-warning-2-alerts"));
        AlertStore first = store(database(url));
        first.accept(alerts("webhook-mixed"));
        assertThat(first.viewSize()).isEqualTo(2);

        AlertStore second = store(database(url));
        assertThat(second.viewSize()).as("the resolved one is not loaded").isEqualTo(1);
        assertThat(second.accept(alerts("webhook-mixed")).newEvents()).as("and still not re-notified").isEmpty();
    }

    private static long count(Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
