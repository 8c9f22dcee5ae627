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

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

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

    private static long count(Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
