package dev.alerthub.remediate;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import dev.alerthub.store.Database;
import dev.alerthub.store.WorkQueue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The remediation requests waiting to run: one row per alert occurrence that asked for an action
 * (a unique key, so a re-sent or re-dispatched alert asks once, on any replica), claimed with a
 * lease by the worker that runs it on the store's one {@link WorkQueue}, and found again by the
 * recovery route when the fast path lost it. The lease lives on while the change is applied
 * ({@link RemediationState#ACTING}); only the decision's lock orders requests (per Deployment).
 */
public class RemediationQueue {
    static final WorkQueue.Shape<RemediationState> SHAPE = new WorkQueue.Shape<>("remediation_actions",
            RemediationState.QUEUED, RemediationState.CLAIMED, List.of(), "requested_at", null);
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String INTERRUPTED = "the hub stopped while applying the change; check the Deployment by hand";

    private final Database db;
    private final Clock clock;
    private final WorkQueue<RemediationState> queue;

    /**
     * @param owner       this hub's lease owner id ({@link dev.alerthub.store.LeaseOwner})
     * @param recoveryAge a queued request is left to the fast path this long
     */
    public RemediationQueue(Database db, Clock clock, String owner, Duration lease, Duration recoveryAge) {
        this.db = db;
        this.clock = clock;
        this.queue = new WorkQueue<>(db, clock, SHAPE, owner, lease, recoveryAge);
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
                        deployment, Json.write(alert), clock.instant(), RemediationState.QUEUED);
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
    public Alert claim(long id) {
        return db.inTransaction(c -> {
            if (queue.claim(c, id) == 0) {
                return null;
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
    public List<Long> due() {
        db.run(c -> interrupt(c, "claimed_until < ?", clock.instant()));
        return queue.due(100).stream().map(WorkQueue.Due::id).toList();
    }

    /**
     * A restarted hub takes back what its previous incarnation held (same lease owner) at once: a
     * claimed request is due again, an action it was applying is recorded as interrupted. Returns how
     * many rows it took back.
     */
    public int releaseOwnLeases() {
        return db.run(c -> interrupt(c, "lease_owner = ?", queue.owner())) + queue.releaseOwnLeases();
    }

    private int interrupt(Connection c, String which, Object value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE remediation_actions SET state = ?, outcome = ?, detail = ?,"
                + " claimed_until = NULL, lease_owner = NULL WHERE state = ? AND " + which)) {
            RemediationSql.bind(ps, RemediationState.DECIDED, Outcome.failed("interrupted"), INTERRUPTED,
                    RemediationState.ACTING, value);
            return ps.executeUpdate();
        }
    }
}
