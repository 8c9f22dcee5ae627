package dev.alerthub.remediate;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import dev.alerthub.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The decision on each request, taken under one lock (the kill-switch row) so that the cooldown per
 * Deployment and the hourly budget of the whole hub are checked against every other decision, on
 * every replica; the final outcome of an action that ran; and its verification's progress.
 */
public class RemediationDecisions {
    private final Database db;
    private final Clock clock;

    public RemediationDecisions(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Takes the remediation lock, checks the store's guards (when the case is still open) and writes
     * the decision, all in one transaction. Returns the case with its outcome: a refusal, dry-run, or
     * {@link Outcome#ACTING}.
     */
    public RemediationCase decide(RemediationCase rc, Guards guards, boolean configuredDryRun, Duration lease) {
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            RemediationHolds.Control control = RemediationHolds.lockControl(c);
            RemediationCase decided = rc;
            if (rc.isOpen()) {
                Guards.Facts facts = new Guards.Facts(control.paused(),
                        control.dryRun() != null ? control.dryRun() : configuredDryRun,
                        stillFiring(c, rc.alert()), RemediationHolds.holdReason(c, rc.namespace(), rc.deployment()),
                        undoes(c, rc),
                        verifying(c, rc.namespace(), rc.deployment()),
                        lastCounted(c, rc.namespace(), rc.deployment()), RemediationSql.countedSince(c, now.minus(Duration.ofHours(1))),
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
                RemediationSql.bind(ps, decided.action() == null ? null : decided.action().wire(), acting ? RemediationState.ACTING : RemediationState.DECIDED,
                        acting ? now.plus(lease) : null, now,
                        decided.outcome(), RemediationSql.cut(decided.detail(), 2000), counted,
                        ch == null ? null : RemediationSql.cut(ch.fromRevision(), 32), ch == null ? null : RemediationSql.cut(ch.fromImage(), 2000),
                        ch == null ? null : RemediationSql.cut(ch.toRevision(), 32), ch == null ? null : RemediationSql.cut(ch.toImage(), 2000),
                        ch == null ? null : ch.fromReplicas(), ch == null ? null : ch.toReplicas(),
                        ch == null ? null : ch.fromTemplate(), ch == null ? null : ch.toTemplate(), rc.id(), RemediationState.CLAIMED);
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
                    UPDATE remediation_actions SET state = ?, claimed_until = NULL, lease_owner = NULL, outcome = ?, detail = ?,
                      from_replicas = ?, to_replicas = ?, verify_state = ?, rollout_deadline = ?, verify_deadline = ?
                    WHERE id = ? AND state = ?""")) {
                RemediationSql.bind(ps, RemediationState.DECIDED, rc.outcome(), RemediationSql.cut(rc.detail(), 2000), ch == null ? null : ch.fromReplicas(),
                        ch == null ? null : ch.toReplicas(), done ? RemediationSql.VERIFYING : null,
                        done ? now.plus(rolloutTimeout) : null, done ? now.plus(verifyWindow) : null, rc.id(), RemediationState.ACTING);
                return ps.executeUpdate();
            }
        });
    }

    /** Actions being verified, and escalations that did not finish (a crash between page and hold). */
    public List<Long> verifying() {
        Instant stuck = clock.instant().minus(Duration.ofMinutes(1));
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id FROM remediation_actions
                    WHERE verify_state = ? OR (verify_state = ? AND verified_at < ?) ORDER BY id""")) {
                RemediationSql.bind(ps, RemediationSql.VERIFYING, RemediationSql.ESCALATING, stuck);
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
                RemediationSql.bind(ps, to, now, RemediationSql.cut(detail, 2000), id, from);
                return ps.executeUpdate() > 0;
            }
        });
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

    /** A done rollback of this Deployment away from the template this case would restore, in words; or null. */
    private static String undoes(Connection c, RemediationCase rc) throws SQLException {
        if (rc.change() == null || rc.change().toTemplate() == null) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, decided_at, from_revision, from_image FROM remediation_actions
                WHERE namespace = ? AND deployment = ? AND action = 'rollback' AND outcome = ? AND from_template = ?
                ORDER BY id DESC""")) {
            RemediationSql.bind(ps, rc.namespace(), rc.deployment(), Outcome.DONE, rc.change().toTemplate());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? "audit " + rs.getLong("id") + " at " + RemediationSql.instant(rs, "decided_at")
                        + " rolled back from revision " + rs.getString("from_revision") + " " + rs.getString("from_image")
                        : null;
            }
        }
    }

    private static boolean verifying(Connection c, String namespace, String deployment) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT COUNT(*) FROM remediation_actions
                WHERE namespace = ? AND deployment = ? AND verify_state IN (?, ?)""")) {
            RemediationSql.bind(ps, namespace, deployment, RemediationSql.VERIFYING, RemediationSql.ESCALATING);
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
            RemediationSql.bind(ps, namespace, deployment);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return RemediationSql.instant(rs, "last");
            }
        }
    }
}
