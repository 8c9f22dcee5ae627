package dev.alerthub.remediate;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.store.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision's lock, in the real stores: H2 (embedded) and the machine's PostgreSQL. Two store
 * instances on separate connection pools stand for two replicas.
 */
class RemediationDecisionsTest {
    static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String SCHEMA = "remediation_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    static final Guards GUARDS = new Guards(Duration.ofMinutes(10), 100);
    static final Duration LEASE = Duration.ofMinutes(2);

    @BeforeAll
    static void schema() throws Exception {
        try (Connection c = DriverManager.getConnection(PG, "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + SCHEMA);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("PostgreSQL at 127.0.0.1:5432 (db test, user postgres) is needed: " + e.getMessage(), e);
        }
    }

    @AfterAll
    static void dropSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(PG, "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
        }
    }

    static Alert alert(String name, Instant startsAt) {
        return Alert.of(AlertStatus.FIRING, Map.of("alertname", name, "namespace", "shop", "deployment", "checkout",
                "action", "rollback"), Map.of(), startsAt, null, null, "alertmanager");
    }

    /** A request recorded and claimed, checked, ready to be decided. */
    /** One replica's view of the remediation tables. */
    record Replica(RemediationQueue queue, RemediationDecisions decisions, RemediationAudit audit) {
        Replica(Database db) {
            this(new RemediationQueue(db, Clock.systemUTC(), "replica-" + UUID.randomUUID(), LEASE, Duration.ZERO),
                    new RemediationDecisions(db, Clock.systemUTC()),
                    new RemediationAudit(db, Clock.systemUTC()));
        }
    }

    static RemediationCase claimed(Replica store, Alert alert, Change change) {
        Long id = store.queue().request(alert, "rollback", "shop", "checkout");
        assertThat(store.queue().claim(id)).isNotNull();
        return RemediationCase.of(id, alert).checked(Action.ROLLBACK, "shop", "checkout", null, null).withChange(change);
    }

    @Test
    void eightConcurrentDecisionsOnTwoH2ReplicasActOnce(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("store");
        race(Database.open(url, "", ""), Database.open(url, "", ""));
    }

    @Test
    void eightConcurrentDecisionsOnTwoPostgresReplicasActOnce() throws Exception {
        String url = PG + "?currentSchema=" + SCHEMA;
        race(Database.open(url, "postgres", ""), Database.open(url, "postgres", ""));
    }

    private void race(Database one, Database two) throws Exception {
        try (one; two) {
            Replica[] replicas = {new Replica(one),
                    new Replica(two)};
            Instant t = Instant.parse("2026-11-23T10:00:00Z");
            List<RemediationCase> cases = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                cases.add(claimed(replicas[i % 2], alert("Alert" + i, t), null));
            }
            CyclicBarrier start = new CyclicBarrier(cases.size());
            ExecutorService pool = Executors.newFixedThreadPool(cases.size());
            try {
                List<Future<RemediationCase>> decided = new ArrayList<>();
                for (int i = 0; i < cases.size(); i++) {
                    Replica store = replicas[i % 2];
                    RemediationCase c = cases.get(i);
                    decided.add(pool.submit(() -> {
                        start.await();
                        return store.decisions().decide(c, GUARDS, false, LEASE);
                    }));
                }
                List<String> outcomes = new ArrayList<>();
                for (Future<RemediationCase> f : decided) {
                    outcomes.add(f.get().outcome());
                }
                assertThat(outcomes).filteredOn(Outcome.ACTING::equals).hasSize(1);
                assertThat(outcomes).filteredOn("skipped:cooldown"::equals).hasSize(7);
            } finally {
                pool.shutdownNow();
            }
            // a re-dispatched alert is the same request: no second row, no second decision
            assertThat(replicas[1].queue().request(alert("Alert0", t), "rollback", "shop", "checkout")).isNull();
            assertThat(replicas[0].audit().rows(100)).hasSize(8);
        }
    }

    @Test
    void aRollbackThatWouldUndoAnEarlierRollbackIsRefused(@TempDir Path dir) {
        try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("store"), "", "")) {
            Replica store = new Replica(db);
            Guards noCooldown = new Guards(Duration.ZERO, 100);
            Change first = new Change("3", "app:3", "2", "app:2", null, null, "T3", "T2", "[]");
            RemediationCase acting = store.decisions().decide(claimed(store, alert("First", Instant.now()), first), noCooldown, false, LEASE);
            assertThat(acting.outcome()).isEqualTo(Outcome.ACTING);
            store.decisions().finish(acting.close(Outcome.DONE, "rolled back"), Duration.ofMinutes(5), Duration.ofMinutes(10));
            store.decisions().settle(acting.id(), RemediationSql.VERIFYING, RemediationSql.PASSED, "helped");

            // later the (renumbered) bad revision is "the previous one" again
            Change back = new Change("4", "app:2", "3", "app:3", null, null, "T2", "T3", "[]");
            RemediationCase again = store.decisions().decide(claimed(store, alert("Second", Instant.now()), back), noCooldown, false, LEASE);

            assertThat(again.outcome()).isEqualTo("skipped:rollback-loop");
            assertThat(again.detail()).contains("audit " + acting.id()).contains("rolled back from revision 3 app:3");
            Change elsewhere = new Change("4", "app:2", "1", "app:1", null, null, "T2", "T1", "[]");
            assertThat(store.decisions().decide(claimed(store, alert("Third", Instant.now()), elsewhere), noCooldown, false, LEASE)
                    .outcome()).isEqualTo(Outcome.ACTING);
        }
    }

    @Test
    void anActionInterruptedWhileApplyingIsRecordedAsFailedAndNeverRetried(@TempDir Path dir) throws Exception {
        try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("store"), "", "")) {
            Replica store = new Replica(db);
            RemediationCase acting = store.decisions().decide(claimed(store, alert("Crash", Instant.now()), null), GUARDS, false,
                    Duration.ofMillis(1));
            Long queued = store.queue().request(alert("Queued", Instant.now()), "rollback", "shop", "checkout");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2))
                    .until(() -> store.queue().due().contains(queued));

            RemediationAudit.Row row = store.audit().row(acting.id());
            assertThat(row.outcome()).isEqualTo("failed:interrupted");
            assertThat(store.queue().due()).doesNotContain(acting.id());
            assertThat(store.audit().countedLastHour()).as("still counts against the budget").isEqualTo(1);
        }
    }
}
