package dev.alerthub.lifecycle;

import dev.alerthub.admin.HubMetrics;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.store.AlertStore;
import dev.alerthub.store.Database;
import dev.alerthub.store.DigestReads;
import dev.alerthub.support.PostgresSchema;
import dev.alerthub.support.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The digest's figures from a seeded store, on the embedded H2 store and on PostgreSQL: what fired
 * and resolved in the window by severity and team, time to resolve, the noisiest alerts, remediation
 * outcomes, dead letters and what still fires. Events before the window do not count.
 */
class DigestsTest {
    static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void figuresOfTheLast24HoursFromTheH2Store() {
        try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("db"), "", "")) {
            assertFigures(db);
        }
    }

    @Test
    void figuresOfTheLast24HoursFromPostgresql() {
        try (PostgresSchema schema = new PostgresSchema();
             Database db = Database.open(schema.url(), PostgresSchema.user(), "")) {
            assertFigures(db);
        }
    }

    @Test
    void anEmptyStoreGivesZerosAndNoPercentiles() {
        try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("empty"), "", "")) {
            Digest d = new Digests(new DigestReads(db), new TestClock(NOW)).compute(24);
            assertThat(d.fired().total()).isZero();
            assertThat(d.fired().bySeverity()).containsExactly(Map.entry("critical", 0L), Map.entry("warning", 0L),
                    Map.entry("info", 0L));
            assertThat(d.timeToResolve()).isEqualTo(new Digest.TimeToResolve(0, null, null));
            assertThat(d.noisiest()).isEmpty();
            assertThat(d.stillFiring().total()).isZero();
        }
    }

    @Test
    void aWindowOutside1HourToAMonthIsRefused() {
        Digests digests = new Digests(null, new TestClock(NOW));
        assertThatThrownBy(() -> digests.compute(0)).hasMessage("hours: 0 is not between 1 and 744");
        assertThatThrownBy(() -> digests.compute(745)).hasMessage("hours: 745 is not between 1 and 744");
    }

    @Test
    void percentilesAreNearestRankOverTheResolvedAlerts() {
        assertThat(Digests.nearestRank(List.of(600L, 1800L, 14400L), 50)).isEqualTo(1800);
        assertThat(Digests.nearestRank(List.of(600L, 1800L, 14400L), 90)).isEqualTo(14400);
        assertThat(Digests.nearestRank(List.of(5L), 90)).isEqualTo(5);
        List<Long> tens = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(Digests.nearestRank(tens, 50)).isEqualTo(5);
        assertThat(Digests.nearestRank(tens, 90)).isEqualTo(9);
    }

    private static void assertFigures(Database db) {
        TestClock clock = new TestClock(Instant.parse("2026-11-30T12:00:00Z"));
        try (AlertStore store = new AlertStore(db, clock, 10_000, new HubMetrics(new SimpleMeterRegistry()))) {
            seed(db, store, clock);
        }
        clock.set(NOW);
        Digest d = new Digests(new DigestReads(db), clock).compute(24);

        assertThat(d.from()).isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
        assertThat(d.fired().total()).isEqualTo(5);
        assertThat(d.fired().bySeverity()).containsExactly(Map.entry("critical", 3L), Map.entry("warning", 1L),
                Map.entry("info", 1L));
        assertThat(d.fired().byTeam()).containsExactly(Map.entry("payments", 3L), Map.entry("(none)", 1L),
                Map.entry("storage", 1L));
        assertThat(d.resolved().total()).isEqualTo(3);
        assertThat(d.resolved().bySeverity()).containsExactly(Map.entry("critical", 2L), Map.entry("warning", 1L),
                Map.entry("info", 0L));
        assertThat(d.timeToResolve()).isEqualTo(new Digest.TimeToResolve(3, 1800L, 14400L));
        assertThat(d.noisiest()).containsExactly(new Digest.Noisy("HighErrorRate", "shop", 3),
                new Digest.Noisy("DeployFinished", "", 1), new Digest.Noisy("DiskFull", "db", 1));
        assertThat(d.actions()).containsExactly(new Digest.ActionOutcome("restart", "skipped:cooldown", 1),
                new Digest.ActionOutcome("rollback", "done", 2));
        assertThat(d.deadLetters()).isEqualTo(new Digest.DeadLetters(2, Map.of("pagerduty", 1L, "slack", 1L), 2));
        assertThat(d.stillFiring().total()).as("the third HighErrorRate, the deploy, and last week's alert").isEqualTo(3);
        assertThat(d.stillFiring().bySeverity()).containsExactly(Map.entry("critical", 1L), Map.entry("warning", 1L),
                Map.entry("info", 1L));
        assertThat(d.stillFiring().oldest()).extracting(Digest.Firing::alertname)
                .containsExactly("OldWarning", "HighErrorRate", "DeployFinished");
    }

    /** Times are when the hub recorded each event: the clock moves as they arrive. */
    private static void seed(Database db, AlertStore store, TestClock clock) {
        // before the window: counted only as still firing
        at(clock, "2026-11-30T12:00:00Z", store, fire("OldWarning", "warning", "ops", "web", "2026-11-30T11:59:00Z"));
        at(clock, "2026-12-01T09:00:00Z", store, fire("HighErrorRate", "critical", "payments", "shop", "2026-12-01T09:00:00Z"));
        at(clock, "2026-12-01T09:10:00Z", store, resolve(fire("HighErrorRate", "critical", "payments", "shop",
                "2026-12-01T09:00:00Z"), "2026-12-01T09:10:00Z"));
        at(clock, "2026-12-01T10:00:00Z", store, fire("HighErrorRate", "critical", "payments", "shop", "2026-12-01T10:00:00Z"));
        at(clock, "2026-12-01T10:30:00Z", store, resolve(fire("HighErrorRate", "critical", "payments", "shop",
                "2026-12-01T10:00:00Z"), "2026-12-01T10:30:00Z"));
        at(clock, "2026-12-01T11:00:00Z", store, fire("DiskFull", "warning", "storage", "db", "2026-12-01T11:00:00Z"));
        at(clock, "2026-12-01T12:00:00Z", store, fire("HighErrorRate", "critical", "payments", "shop", "2026-12-01T12:00:00Z"));
        at(clock, "2026-12-01T15:00:00Z", store, resolve(fire("DiskFull", "warning", "storage", "db",
                "2026-12-01T11:00:00Z"), "2026-12-01T15:00:00Z"));
        at(clock, "2026-12-01T20:00:00Z", store, fire("DeployFinished", "info", null, null, "2026-12-01T20:00:00Z"));

        action(db, "a1", "2026-11-30T12:01:00Z", "rollback", "failed:no previous revision");
        action(db, "a2", "2026-12-01T09:01:00Z", "rollback", "done");
        action(db, "a3", "2026-12-01T10:01:00Z", "restart", "skipped:cooldown");
        action(db, "a4", "2026-12-01T12:01:00Z", "rollback", "done");
        deadLetter(db, "slack", "2026-11-30T13:00:00Z", true);
        deadLetter(db, "slack", "2026-12-01T09:05:00Z", false);
        deadLetter(db, "pagerduty", "2026-12-01T13:00:00Z", false);
    }

    private static void at(TestClock clock, String when, AlertStore store, Alert alert) {
        clock.set(Instant.parse(when));
        store.accept(List.of(alert));
    }

    private static Alert fire(String name, String severity, String team, String namespace, String startsAt) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", name);
        labels.put("severity", severity);
        if (team != null) {
            labels.put("team", team);
        }
        if (namespace != null) {
            labels.put("namespace", namespace);
        }
        return Alert.of(AlertStatus.FIRING, labels, Map.of("summary", name), Instant.parse(startsAt), null, null,
                "alertmanager");
    }

    private static Alert resolve(Alert a, String endsAt) {
        return a.withStatus(AlertStatus.RESOLVED, Instant.parse(endsAt));
    }

    private static void action(Database db, String fingerprint, String at, String action, String outcome) {
        exec(db, "INSERT INTO remediation_actions (fingerprint, starts_at, alertname, action, body, requested_at, state,"
                + " outcome) VALUES (?, ?, 'HighErrorRate', ?, '{}', ?, 'decided', ?)", fingerprint, ts(at), action,
                ts(at), outcome);
    }

    private static void deadLetter(Database db, String sink, String at, boolean replayed) {
        exec(db, "INSERT INTO dead_letters (sink, target, request, last_error, attempts, created_at, replayed_at)"
                + " VALUES (?, '', '{}', 'HTTP 500', 3, ?, ?)", sink, ts(at), replayed ? ts(at) : null);
    }

    private static OffsetDateTime ts(String iso) {
        return OffsetDateTime.ofInstant(Instant.parse(iso), ZoneOffset.UTC);
    }

    private static void exec(Database db, String sql, Object... params) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
