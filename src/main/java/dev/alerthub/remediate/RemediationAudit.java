package dev.alerthub.remediate;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import dev.alerthub.store.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The audit read back: every request and decision, for the API, the messages and the verification. */
public class RemediationAudit {
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

    public RemediationAudit(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Actions (and dry-runs) the hub took in the last hour: what the budget counts. */
    public int countedLastHour() {
        Instant since = clock.instant().minus(Duration.ofHours(1));
        return db.run(c -> RemediationSql.countedSince(c, since));
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
        return new Row(rs.getLong("id"), rs.getString("fingerprint"), RemediationSql.instant(rs, "starts_at"),
                rs.getString("alertname"), rs.getString("action"), rs.getString("namespace"),
                rs.getString("deployment"), RemediationSql.instant(rs, "requested_at"), rs.getString("state"),
                RemediationSql.instant(rs, "decided_at"), rs.getString("outcome"), rs.getString("detail"),
                rs.getString("from_revision"), rs.getString("from_image"), rs.getString("to_revision"),
                rs.getString("to_image"), RemediationSql.integer(rs, "from_replicas"), RemediationSql.integer(rs, "to_replicas"),
                rs.getString("verify_state"), RemediationSql.instant(rs, "rollout_deadline"), RemediationSql.instant(rs, "verify_deadline"),
                RemediationSql.instant(rs, "verified_at"), rs.getString("verify_detail"),
                Json.read(rs.getString("body"), Alert.class));
    }
}
