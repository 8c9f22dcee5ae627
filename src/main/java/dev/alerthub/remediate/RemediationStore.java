package dev.alerthub.remediate;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import dev.alerthub.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Remediation's memory, in the state store so that a restart or a second replica sees it: the
 * request and decision for every alert occurrence that asked for an action (the audit), the kill
 * switch, and the holds. Every decision is taken under one lock, the kill-switch row, so the
 * cooldown per Deployment and the hourly budget of the whole hub are checked against every other
 * decision, on every replica.
 */
public class RemediationStore {
    static final String QUEUED = "queued";
    static final String CLAIMED = "claimed";
    static final String ACTING = "acting";
    static final String DECIDED = "decided";
    static final String VERIFYING = "verifying";
    static final String ESCALATING = "escalating";
    static final String PASSED = "passed";
    static final String FAILED = "failed";
    private static final String UNIQUE_VIOLATION = "23505";

    /** The kill switch row: paused, and a dry-run set over JMX (null: the configured one applies). */
    public record Control(boolean paused, Boolean dryRun) {
    }

    /** One audit row, as the verification, the messages and the API read it. */
    public record Row(long id, String fingerprint, Instant startsAt, String alertname, String action,
                      String namespace, String deployment, Instant requestedAt, String state, Instant decidedAt,
                      String outcome, String detail, String fromRevision, String fromImage, String toRevision,
                      String toImage, Integer fromReplicas, Integer toReplicas, String verifyState,
                      Instant rolloutDeadline, Instant verifyDeadline, Instant verifiedAt, String verifyDetail,
                      Alert alert) {

        public String target() {
            return namespace == null || deployment == null ? "" : namespace + "/" + deployment;
        }
    }

    private final Database db;
    private final Clock clock;

    public RemediationStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    // --- requests

    /**
     * Records that this alert occurrence asks for an action. Returns the row id, or null when the
     * occurrence was recorded before (a re-dispatched event, another replica).
     */
    public Long request(Alert alert, String action, String namespace, String deployment) {
        String label = action == null ? "" : action.length() > 64 ? action.substring(0, 64) : action;
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO remediation_actions (fingerprint, starts_at, alertname, action, namespace, deployment,
                                                     body, requested_at, state)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
                bind(ps, alert.fingerprint(), alert.startsAt(), cut(alert.alertname(), 512), label, namespace,
                        deployment, Json.write(alert), clock.instant(), QUEUED);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return null;
                }
                throw e;
            }
        });
    }

    /** Takes a queued request (or one whose worker died) for this worker; null when it is not ours to run. */
    public Alert claim(long id, Duration lease) {
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE remediation_actions SET state = ?, claimed_until = ?
                    WHERE id = ? AND (state = ? OR (state = ? AND claimed_until < ?))""")) {
                bind(ps, CLAIMED, now.plus(lease), id, QUEUED, CLAIMED, now);
                if (ps.executeUpdate() == 0) {
                    return null;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT body FROM remediation_actions WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Json.read(rs.getString(1), Alert.class);
                }
            }
        });
    }

    /**
     * Requests the fast path lost (crash, full queue, a dead replica). An action interrupted while its
     * change was being applied is not retried: whether the change reached the cluster is unknown, so
     * it is recorded as failed and still counts against cooldown and budget.
     */
    public List<Long> due(Duration recoveryAge) {
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE remediation_actions SET state = ?, outcome = ?, detail = ?, claimed_until = NULL
                    WHERE state = ? AND claimed_until < ?""")) {
                bind(ps, DECIDED, Outcome.failed("interrupted"), "the hub stopped while applying the change; "
                        + "check the Deployment by hand", ACTING, now);
                ps.executeUpdate();
            }
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id FROM remediation_actions
                    WHERE (state = ? AND requested_at < ?) OR (state = ? AND claimed_until < ?)
                    ORDER BY id LIMIT 100""")) {
                bind(ps, QUEUED, now.minus(recoveryAge), CLAIMED, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            return ids;
        });
    }

    // --- the decision

    /**
     * Takes the remediation lock, checks the store's guards (when the case is still open) and writes
     * the decision, all in one transaction. Returns the case with its outcome: a refusal, dry-run, or
     * {@link Outcome#ACTING}.
     */
    public RemediationCase decide(RemediationCase rc, Guards guards, boolean configuredDryRun, Duration lease) {
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            Control control = lockControl(c);
            RemediationCase decided = rc;
            if (rc.isOpen()) {
                Guards.Facts facts = new Guards.Facts(control.paused(),
                        control.dryRun() != null ? control.dryRun() : configuredDryRun,
                        stillFiring(c, rc.alert()), holdReason(c, rc.namespace(), rc.deployment()),
                        undoes(c, rc),
                        verifying(c, rc.namespace(), rc.deployment()),
                        lastCounted(c, rc.namespace(), rc.deployment()), countedSince(c, now.minus(Duration.ofHours(1))),
                        now);
                Guards.Verdict v = guards.decide(facts);
                decided = rc.close(v.outcome(), v.detail());
            }
            boolean acting = decided.isProceed();
            boolean counted = acting || Outcome.DRY_RUN.equals(decided.outcome());
            Change ch = decided.change();
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE remediation_actions SET action = COALESCE(CAST(? AS VARCHAR(64)), action), state = ?, claimed_until = ?, decided_at = ?,
                      outcome = ?, detail = ?,
                      counted = ?, from_revision = ?, from_image = ?, to_revision = ?, to_image = ?, from_replicas = ?,
                      to_replicas = ?, from_template = ?, to_template = ?
                    WHERE id = ? AND state = ?""")) {
                bind(ps, decided.action() == null ? null : decided.action().wire(), acting ? ACTING : DECIDED,
                        acting ? now.plus(lease) : null, now,
                        decided.outcome(), cut(decided.detail(), 2000), counted,
                        ch == null ? null : cut(ch.fromRevision(), 32), ch == null ? null : cut(ch.fromImage(), 2000),
                        ch == null ? null : cut(ch.toRevision(), 32), ch == null ? null : cut(ch.toImage(), 2000),
                        ch == null ? null : ch.fromReplicas(), ch == null ? null : ch.toReplicas(),
                        ch == null ? null : ch.fromTemplate(), ch == null ? null : ch.toTemplate(), rc.id(), CLAIMED);
                if (ps.executeUpdate() == 0) {
                    throw new IllegalStateException("remediation " + rc.id() + " was taken over by another worker");
                }
            }
            return decided;
        });
    }

    /**
     * The final word on an action that was allowed to run (done or failed), and, when done, the
     * deadlines its verification runs to. Refusals and dry-runs were final when decided.
     */
    public void finish(RemediationCase rc, Duration rolloutTimeout, Duration verifyWindow) {
        Instant now = clock.instant();
        boolean done = Outcome.DONE.equals(rc.outcome());
        Change ch = rc.change();
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE remediation_actions SET state = ?, claimed_until = NULL, outcome = ?, detail = ?,
                      from_replicas = ?, to_replicas = ?, verify_state = ?, rollout_deadline = ?, verify_deadline = ?
                    WHERE id = ? AND state = ?""")) {
                bind(ps, DECIDED, rc.outcome(), cut(rc.detail(), 2000), ch == null ? null : ch.fromReplicas(),
                        ch == null ? null : ch.toReplicas(), done ? VERIFYING : null,
                        done ? now.plus(rolloutTimeout) : null, done ? now.plus(verifyWindow) : null, rc.id(), ACTING);
                return ps.executeUpdate();
            }
        });
    }

    // --- kill switch and dry-run

    public Control control() {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT paused, dry_run FROM remediation_control WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Control(false, null);
                }
                boolean dry = rs.getBoolean(2);
                return new Control(rs.getBoolean(1), rs.wasNull() ? null : dry);
            }
        });
    }

    public void setPaused(boolean paused, String by) {
        update("paused", paused, by);
    }

    /** Stores a dry-run that wins over alerthub.remediation.dry-run, for every replica. */
    public void setDryRun(boolean dryRun, String by) {
        update("dry_run", dryRun, by);
    }

    private void update(String column, boolean value, String by) {
        Instant now = clock.instant();
        db.inTransaction(c -> {
            lockControl(c);
            try (PreparedStatement ps = c.prepareStatement("UPDATE remediation_control SET " + column
                    + " = ?, changed_at = ?, changed_by = ? WHERE id = 1")) {
                bind(ps, value, now, by);
                return ps.executeUpdate();
            }
        });
    }

    /** The one row every decision locks; recreated when missing (a store emptied underneath the hub). */
    private static Control lockControl(Connection c) throws SQLException {
        for (int attempt = 0; attempt < 2; attempt++) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT paused, dry_run FROM remediation_control WHERE id = 1 FOR UPDATE");
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    boolean dry = rs.getBoolean(2);
                    return new Control(rs.getBoolean(1), rs.wasNull() ? null : dry);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO remediation_control (id, paused) VALUES (1, FALSE)")) {
                ps.executeUpdate();
            }
        }
        throw new SQLException("remediation_control row 1 cannot be created");
    }

    // --- holds

    /** Why this Deployment is held, or null. */
    public String holdReason(String namespace, String deployment) {
        return db.run(c -> holdReason(c, namespace, deployment));
    }

    /** Holds the Deployment and marks the verification failed, under the remediation lock. */
    public void hold(long actionId, String namespace, String deployment, String reason) {
        Instant now = clock.instant();
        db.inTransaction(c -> {
            lockControl(c);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE remediation_actions SET verify_state = ? WHERE id = ?")) {
                bind(ps, FAILED, actionId);
                ps.executeUpdate();
            }
            if (holdReason(c, namespace, deployment) == null) {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO remediation_holds (namespace, deployment, held_at, action_id, reason)
                        VALUES (?, ?, ?, ?, ?)""")) {
                    bind(ps, namespace, deployment, now, actionId, cut(reason, 2000));
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Releases a hold; false when there was none. */
    public boolean release(String namespace, String deployment) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM remediation_holds WHERE namespace = ? AND deployment = ?")) {
                bind(ps, namespace, deployment);
                return ps.executeUpdate() > 0;
            }
        });
    }

    public List<Map<String, Object>> holds() {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM remediation_holds ORDER BY held_at DESC, namespace, deployment");
                 ResultSet rs = ps.executeQuery()) {
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("namespace", rs.getString("namespace"));
                    m.put("deployment", rs.getString("deployment"));
                    m.put("heldAt", instant(rs, "held_at"));
                    long a = rs.getLong("action_id");
                    m.put("actionId", rs.wasNull() ? null : a);
                    m.put("reason", rs.getString("reason"));
                    out.add(m);
                }
                return out;
            }
        });
    }

    public int holdCount() {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM remediation_holds");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** Actions (and dry-runs) the hub took in the last hour: what the budget counts. */
    public int countedLastHour() {
        Instant since = clock.instant().minus(Duration.ofHours(1));
        return db.run(c -> countedSince(c, since));
    }

    // --- verification

    /** Actions being verified, and escalations that did not finish (a crash between page and hold). */
    public List<Long> verifying() {
        Instant stuck = clock.instant().minus(Duration.ofMinutes(1));
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id FROM remediation_actions
                    WHERE verify_state = ? OR (verify_state = ? AND verified_at < ?) ORDER BY id""")) {
                bind(ps, VERIFYING, ESCALATING, stuck);
                List<Long> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                return ids;
            }
        });
    }

    /** Moves a verification on, once: false when another worker (or replica) already did. */
    public boolean settle(long id, String from, String to, String detail) {
        Instant now = clock.instant();
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE remediation_actions SET verify_state = ?, verified_at = ?, verify_detail = ?
                    WHERE id = ? AND verify_state = ?""")) {
                bind(ps, to, now, cut(detail, 2000), id, from);
                return ps.executeUpdate() > 0;
            }
        });
    }

    public Row row(long id) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM remediation_actions WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? row(rs) : null;
                }
            }
        });
    }

    /** The audit, newest first. */
    public List<Row> rows(int limit) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM remediation_actions ORDER BY id DESC LIMIT " + Math.max(1, Math.min(limit, 10_000)))) {
                List<Row> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
                return out;
            }
        });
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getLong("id"), rs.getString("fingerprint"), instant(rs, "starts_at"),
                rs.getString("alertname"), rs.getString("action"), rs.getString("namespace"),
                rs.getString("deployment"), instant(rs, "requested_at"), rs.getString("state"),
                instant(rs, "decided_at"), rs.getString("outcome"), rs.getString("detail"),
                rs.getString("from_revision"), rs.getString("from_image"), rs.getString("to_revision"),
                rs.getString("to_image"), integer(rs, "from_replicas"), integer(rs, "to_replicas"),
                rs.getString("verify_state"), instant(rs, "rollout_deadline"), instant(rs, "verify_deadline"),
                instant(rs, "verified_at"), rs.getString("verify_detail"),
                Json.read(rs.getString("body"), Alert.class));
    }

    // --- facts for the guards, read inside the decision's transaction

    /** The stored alert is still the firing occurrence that asked (not resolved, not re-fired since). */
    private static boolean stillFiring(Connection c, Alert alert) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT body FROM alerts WHERE fingerprint = ?")) {
            ps.setString(1, alert.fingerprint());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return true;
                }
                Alert stored = Json.read(rs.getString(1), Alert.class);
                return stored.isFiring() && alert.startsAt().equals(stored.startsAt());
            }
        }
    }

    private static String holdReason(Connection c, String namespace, String deployment) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT reason FROM remediation_holds WHERE namespace = ? AND deployment = ?")) {
            bind(ps, namespace, deployment);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** A done rollback of this Deployment away from the template this case would restore, in words; or null. */
    private static String undoes(Connection c, RemediationCase rc) throws SQLException {
        if (rc.change() == null || rc.change().toTemplate() == null) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, decided_at, from_revision, from_image FROM remediation_actions
                WHERE namespace = ? AND deployment = ? AND action = 'rollback' AND outcome = ? AND from_template = ?
                ORDER BY id DESC""")) {
            bind(ps, rc.namespace(), rc.deployment(), Outcome.DONE, rc.change().toTemplate());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? "audit " + rs.getLong("id") + " at " + instant(rs, "decided_at")
                        + " rolled back from revision " + rs.getString("from_revision") + " " + rs.getString("from_image")
                        : null;
            }
        }
    }

    private static boolean verifying(Connection c, String namespace, String deployment) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT COUNT(*) FROM remediation_actions
                WHERE namespace = ? AND deployment = ? AND verify_state IN (?, ?)""")) {
            bind(ps, namespace, deployment, VERIFYING, ESCALATING);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    private static Instant lastCounted(Connection c, String namespace, String deployment) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT MAX(decided_at) AS last FROM remediation_actions
                WHERE namespace = ? AND deployment = ? AND counted = TRUE""")) {
            bind(ps, namespace, deployment);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return instant(rs, "last");
            }
        }
    }

    private static int countedSince(Connection c, Instant since) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM remediation_actions WHERE counted = TRUE AND decided_at > ?")) {
            bind(ps, since);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    // --- JDBC helpers

    private static void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v instanceof Instant t) {
                ps.setObject(i + 1, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
            } else if (v == null) {
                ps.setNull(i + 1, Types.NULL);
            } else {
                ps.setObject(i + 1, v);
            }
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
