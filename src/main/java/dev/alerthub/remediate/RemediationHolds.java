package dev.alerthub.remediate;

import dev.alerthub.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What stops remediation: the kill switch (and a dry-run set over JMX) for the whole hub, and the
 * holds on Deployments whose remediation did not help. Both live in the store so that every replica
 * obeys them; the kill-switch row is also the lock every decision takes.
 */
public class RemediationHolds {
    /** The kill switch row: paused, and a dry-run set over JMX (null: the configured one applies). */
    public record Control(boolean paused, Boolean dryRun) {
    }

    private final Database db;
    private final Clock clock;

    public RemediationHolds(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

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
                RemediationSql.bind(ps, value, now, by);
                return ps.executeUpdate();
            }
        });
    }

    /** The one row every decision locks; recreated when missing (a store emptied underneath the hub). */
    static Control lockControl(Connection c) throws SQLException {
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
                RemediationSql.bind(ps, RemediationSql.FAILED, actionId);
                ps.executeUpdate();
            }
            if (holdReason(c, namespace, deployment) == null) {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO remediation_holds (namespace, deployment, held_at, action_id, reason)
                        VALUES (?, ?, ?, ?, ?)""")) {
                    RemediationSql.bind(ps, namespace, deployment, now, actionId, RemediationSql.cut(reason, 2000));
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
                RemediationSql.bind(ps, namespace, deployment);
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
                    m.put("heldAt", RemediationSql.instant(rs, "held_at"));
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

    static String holdReason(Connection c, String namespace, String deployment) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT reason FROM remediation_holds WHERE namespace = ? AND deployment = ?")) {
            RemediationSql.bind(ps, namespace, deployment);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
