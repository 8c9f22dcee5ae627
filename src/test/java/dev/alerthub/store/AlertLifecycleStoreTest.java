package dev.alerthub.store;

import dev.alerthub.admin.HubMetrics;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.support.PostgresSchema;
import dev.alerthub.support.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The acknowledgement, escalation and reminder state of an occurrence, on H2 and PostgreSQL: each
 * escalation and reminder is claimed once (two replicas), an ack stops both, a resolve closes the
 * escalation, a new firing starts clean.
 */
class AlertLifecycleStoreTest {
    static final Instant T = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static final Map<String, String> SLOW = Map.of("alertname", "SlowCheckout", "severity", "warning", "instance", "a");
    private final List<AutoCloseable> open = new ArrayList<>();
    private final TestClock clock = new TestClock(T);
    private AlertStore alerts;

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Database store(String kind) {
        Database db;
        if (kind.equals("postgresql")) {
            PostgresSchema schema = new PostgresSchema();
            open.add(schema);
            db = Database.open(schema.url(), PostgresSchema.user(), "");
        } else {
            db = Database.open("jdbc:h2:mem:lifecycle-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", "");
        }
        open.add(db);
        alerts = new AlertStore(db, clock, 10_000, new HubMetrics(new SimpleMeterRegistry()));
        open.add(alerts);
        return db;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aWarningIsEscalatedOnceAndItsEscalationClosesWhenItResolves(String kind) {
        Database db = store(kind);
        AlertLifecycle replicaA = new AlertLifecycle(db, clock);
        AlertLifecycle replicaB = new AlertLifecycle(db, clock);
        Alert firing = Alert.of(AlertStatus.FIRING, SLOW, Map.of(), T, null, null, "alertmanager");
        alerts.accept(List.of(firing));

        assertThat(replicaA.toEscalate(T.minusSeconds(1), 10)).isEmpty();
        assertThat(replicaA.toEscalate(T, 10)).extracting(Alert::fingerprint).containsExactly(firing.fingerprint());
        assertThat(replicaA.markEscalated(firing)).isTrue();
        assertThat(replicaB.markEscalated(firing)).as("the other replica").isFalse();
        assertThat(replicaB.toEscalate(T.plusSeconds(3600), 10)).isEmpty();
        assertThat(replicaA.escalationsToClose(10)).as("still firing").isEmpty();

        alerts.accept(List.of(Alert.of(AlertStatus.RESOLVED, SLOW, Map.of(), T, T.plusSeconds(60), null, "alertmanager")));

        List<Alert> toClose = replicaA.escalationsToClose(10);
        assertThat(toClose).extracting(Alert::fingerprint).containsExactly(firing.fingerprint());
        assertThat(replicaA.markEscalationClosed(toClose.get(0))).isTrue();
        assertThat(replicaB.markEscalationClosed(toClose.get(0))).isFalse();
        assertThat(replicaA.escalationsToClose(10)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void anAckStopsEscalationAndRemindersUntilANewFiring(String kind) {
        Database db = store(kind);
        AlertLifecycle lifecycle = new AlertLifecycle(db, clock);
        Alert firing = Alert.of(AlertStatus.FIRING, SLOW, Map.of(), T, null, null, "alertmanager");
        alerts.accept(List.of(firing));
        assertThatThrownBy(() -> lifecycle.acknowledge("0000000000000000", "alice", null))
                .isInstanceOf(NotFoundException.class);

        AlertLifecycle.Acknowledged ack = lifecycle.acknowledge(firing.fingerprint(), "alice", "on it");

        assertThat(ack.already()).isFalse();
        assertThat(lifecycle.acknowledge(firing.fingerprint(), "bob", null).by()).isEqualTo("alice");
        assertThat(lifecycle.acknowledgedBy(firing)).isEqualTo("alice");
        clock.advance(Duration.ofHours(5));
        assertThat(lifecycle.toEscalate(clock.instant(), 10)).isEmpty();
        assertThat(lifecycle.toRemind(Duration.ofHours(4), 10)).isEmpty();

        alerts.accept(List.of(Alert.of(AlertStatus.RESOLVED, SLOW, Map.of(), T, T.plusSeconds(60), null, "alertmanager")));
        assertThatThrownBy(() -> lifecycle.acknowledge(firing.fingerprint(), "alice", null))
                .isInstanceOf(ConflictException.class);
        Alert again = Alert.of(AlertStatus.FIRING, SLOW, Map.of(), T.plusSeconds(600), null, null, "alertmanager");
        alerts.accept(List.of(again));
        assertThat(lifecycle.acknowledgedBy(again)).isNull();
        assertThat(lifecycle.toEscalate(clock.instant(), 10)).extracting(Alert::startsAt).containsExactly(again.startsAt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aReminderIsDueOncePerInterval(String kind) throws Exception {
        Database db = store(kind);
        AlertLifecycle lifecycle = new AlertLifecycle(db, clock);
        Alert firing = Alert.of(AlertStatus.FIRING, SLOW, Map.of(), T, null, null, "alertmanager");
        long event = alerts.accept(List.of(firing)).newEvents().get(0);
        told(db, event, firing, "SENT", T);
        Duration every = Duration.ofHours(4);

        clock.advance(Duration.ofHours(3));
        assertThat(lifecycle.toRemind(every, 10)).isEmpty();
        clock.advance(Duration.ofHours(1));
        assertThat(lifecycle.toRemind(every, 10)).hasSize(1);
        lifecycle.markReminded(firing, every);
        assertThat(lifecycle.toRemind(every, 10)).isEmpty();
        clock.advance(every);
        assertThat(lifecycle.toRemind(every, 10)).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void anAlertNobodyWasToldOfOrWhoseMessageIsStillOnItsWayIsNotReminded(String kind) throws Exception {
        Database db = store(kind);
        AlertLifecycle lifecycle = new AlertLifecycle(db, clock);
        Alert firing = Alert.of(AlertStatus.FIRING, SLOW, Map.of(), T.minus(Duration.ofDays(3)), null, null, "alertmanager");
        long event = alerts.accept(List.of(firing)).newEvents().get(0);

        assertThat(lifecycle.toRemind(Duration.ofHours(4), 10)).as("never told").isEmpty();
        told(db, event, firing, "PENDING", null);
        assertThat(lifecycle.toRemind(Duration.ofHours(4), 10)).as("its first message is queued").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void anAlertToldOnlyInAGroupMessageOfSeveralIsNotRemindedOnItsOwn(String kind) throws Exception {
        Database db = store(kind);
        AlertLifecycle lifecycle = new AlertLifecycle(db, clock);
        Alert firing = Alert.of(AlertStatus.FIRING, SLOW, Map.of(), T, null, null, "alertmanager");
        long event = alerts.accept(List.of(firing)).newEvents().get(0);
        try (var c = db.dataSource().getConnection()) {
            try (var ps = c.prepareStatement("INSERT INTO alert_groups (id, sink, target, group_hash, group_key,"
                    + " created_at) VALUES (77, 'slack', '', 'h', 'k', ?)")) {
                Database.bind(ps, T);
                ps.executeUpdate();
            }
            for (String fp : List.of(firing.fingerprint(), "another")) {
                try (var ps = c.prepareStatement("INSERT INTO group_members (group_id, fingerprint, status, event_id,"
                        + " changed_at) VALUES (77, ?, 'firing', ?, ?)")) {
                    Database.bind(ps, fp, event, T);
                    ps.executeUpdate();
                }
            }
            try (var ps = c.prepareStatement("INSERT INTO deliveries (event_id, fingerprint, sink, target, state,"
                    + " created_at, sent_at, group_id) VALUES (?, 'group:h', 'slack', '', 'SENT', ?, ?, 77)")) {
                Database.bind(ps, event, T, T);
                ps.executeUpdate();
            }
        }

        clock.advance(Duration.ofHours(5));

        assertThat(lifecycle.toRemind(Duration.ofHours(4), 10)).as("one reminder per alert of a storm").isEmpty();
    }

    private static void told(Database db, long event, Alert alert, String state, java.time.Instant sentAt)
            throws Exception {
        try (var c = db.dataSource().getConnection(); var ps = c.prepareStatement("INSERT INTO deliveries"
                + " (event_id, fingerprint, sink, target, state, created_at, sent_at) VALUES (?, ?, 'slack', '', ?, ?, ?)")) {
            Database.bind(ps, event, alert.fingerprint(), state, T, sentAt);
            ps.executeUpdate();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void anAlertFirstToldLateIsRemindedAnIntervalAfterItWasTold(String kind) throws Exception {
        Database db = store(kind);
        AlertLifecycle lifecycle = new AlertLifecycle(db, clock);
        Alert firing = Alert.of(AlertStatus.FIRING, SLOW, Map.of(), T, null, null, "alertmanager");
        long event = alerts.accept(List.of(firing)).newEvents().get(0);
        // a silence held it for three hours: Slack heard of it then
        try (var c = db.dataSource().getConnection(); var ps = c.prepareStatement("INSERT INTO deliveries"
                + " (event_id, fingerprint, sink, target, state, created_at, sent_at) VALUES (?, ?, 'slack', '', 'SENT', ?, ?)")) {
            Database.bind(ps, event, firing.fingerprint(), T.plus(Duration.ofHours(3)), T.plus(Duration.ofHours(3)));
            ps.executeUpdate();
        }

        clock.advance(Duration.ofHours(5));
        assertThat(lifecycle.toRemind(Duration.ofHours(4), 10)).isEmpty();
        clock.advance(Duration.ofHours(2));
        assertThat(lifecycle.toRemind(Duration.ofHours(4), 10)).hasSize(1);
        assertThat(lifecycle.markReminded(firing, Duration.ofHours(4)))
                .containsExactly(new AlertLifecycle.Target("slack", ""));
    }
}
