package dev.alerthub.remediate;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import dev.alerthub.store.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The remediation requests waiting to run: one row per alert occurrence that asked for an action
 * (a unique key, so a re-sent or re-dispatched alert asks once, on any replica), claimed with a
 * lease by the worker that runs it, and found again by the recovery route when the fast path lost it.
 */
public class RemediationQueue {
    private static final String UNIQUE_VIOLATION = "23505";

    private final Database db;
    private final Clock clock;

    public RemediationQueue(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

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
                RemediationSql.bind(ps, alert.fingerprint(), alert.startsAt(), RemediationSql.cut(alert.alertname(), 512), label, namespace,
                        deployment, Json.write(alert), clock.instant(), RemediationSql.QUEUED);
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
                RemediationSql.bind(ps, RemediationSql.CLAIMED, now.plus(lease), id, RemediationSql.QUEUED, RemediationSql.CLAIMED, now);
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
                RemediationSql.bind(ps, RemediationSql.DECIDED, Outcome.failed("interrupted"), "the hub stopped while applying the change; "
                        + "check the Deployment by hand", RemediationSql.ACTING, now);
                ps.executeUpdate();
            }
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id FROM remediation_actions
                    WHERE (state = ? AND requested_at < ?) OR (state = ? AND claimed_until < ?)
                    ORDER BY id LIMIT 100""")) {
                RemediationSql.bind(ps, RemediationSql.QUEUED, now.minus(recoveryAge), RemediationSql.CLAIMED, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            return ids;
        });
    }
}
