package dev.alerthub.store;

import dev.alerthub.alert.Alert;

import org.apache.camel.util.URISupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements that differ between the embedded H2 store and PostgreSQL: idempotent inserts.
 * PostgreSQL gets multi-row statements with ON CONFLICT, so that a batch costs two round trips and two
 * replicas writing the same event race safely; H2 runs in the hub's process, where JDBC batches are
 * cheap and its single writer makes a plain existence check sufficient.
 */
enum Dialect {
    H2, POSTGRESQL;

    /** PostgreSQL allows 65,535 parameters per statement. */
    private static final int ROWS_PER_STATEMENT = 1000;
    /** An older firing re-send must not overwrite the resolution of the same occurrence. */
    private static final String KEEP_RESOLVED =
            " NOT (t.status = 'resolved' AND s.status = 'firing' AND t.starts_at = s.starts_at)";

    static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("alerthub.store.url: only jdbc:h2: and jdbc:postgresql: are supported, got "
                + URISupport.sanitizeUri(jdbcUrl));
    }

    /** Writes the current state of each alert (one row per fingerprint in {@code rows}). */
    void upsertAlerts(Connection c, List<AlertStore.Row> rows, Instant now) throws SQLException {
        if (this == POSTGRESQL) {
            for (List<AlertStore.Row> chunk : chunks(rows)) {
                String sql = "INSERT INTO alerts AS t (fingerprint, status, severity, alertname, source, starts_at,"
                        + " ends_at, body, updated_at, group_hash) VALUES "
                        + String.join(",", Collections.nCopies(chunk.size(), "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
                        + " ON CONFLICT (fingerprint) DO UPDATE SET status = EXCLUDED.status,"
                        + " severity = EXCLUDED.severity, alertname = EXCLUDED.alertname, source = EXCLUDED.source,"
                        + " starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, body = EXCLUDED.body,"
                        + " updated_at = EXCLUDED.updated_at, group_hash = EXCLUDED.group_hash WHERE" + KEEP_RESOLVED.replace("s.", "EXCLUDED.");
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = 0;
                    for (AlertStore.Row r : chunk) {
                        i = bindAlert(ps, i, r, now);
                    }
                    ps.executeUpdate();
                }
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                MERGE INTO alerts t
                USING (VALUES (CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR),
                               CAST(? AS VARCHAR), CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS TIMESTAMP WITH TIME ZONE),
                               CAST(? AS VARCHAR), CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS VARCHAR)))
                  AS s (fingerprint, status, severity, alertname, source, starts_at, ends_at, body, updated_at, group_hash)
                ON t.fingerprint = s.fingerprint
                WHEN MATCHED AND""" + KEEP_RESOLVED + """
                 THEN UPDATE SET status = s.status, severity = s.severity, alertname = s.alertname,
                  source = s.source, starts_at = s.starts_at, ends_at = s.ends_at, body = s.body, updated_at = s.updated_at,
                  group_hash = s.group_hash
                WHEN NOT MATCHED THEN INSERT (fingerprint, status, severity, alertname, source, starts_at, ends_at, body, updated_at, group_hash)
                  VALUES (s.fingerprint, s.status, s.severity, s.alertname, s.source, s.starts_at, s.ends_at, s.body, s.updated_at,
                          s.group_hash)
                """)) {
            for (AlertStore.Row r : rows) {
                bindAlert(ps, 0, r, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Inserts an event per row unless the same (fingerprint, status, starts_at) exists, or a firing
     * event would arrive after its own resolution. Returns the rows that created an event, with its id.
     */
    Map<AlertStore.Row, Long> insertEvents(Connection c, List<AlertStore.Row> rows, Instant now) throws SQLException {
        Map<AlertStore.Row, Long> created = new IdentityHashMap<>();
        if (this == POSTGRESQL) {
            List<AlertStore.Row> fresh = withoutLateFiring(c, rows);
            for (List<AlertStore.Row> chunk : chunks(fresh)) {
                // rows go in (and get their ids) in arrival order, so a trigger is routed before its resolve
                String sql = "INSERT INTO alert_events (fingerprint, status, starts_at, body, state, created_at, group_hash) VALUES "
                        + String.join(",", Collections.nCopies(chunk.size(), "(?, ?, ?, ?, 'PENDING', ?, ?)"))
                        + " ON CONFLICT (fingerprint, status, starts_at) DO NOTHING RETURNING id, fingerprint, status, starts_at";
                Map<String, AlertStore.Row> byKey = new HashMap<>();
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = 0;
                    for (AlertStore.Row r : chunk) {
                        Alert a = r.alert();
                        i = Database.bindAt(ps, i, a.fingerprint(), a.status().wire(), a.startsAt(), r.body(), now,
                                a.groupHash());
                        byKey.put(key(a.fingerprint(), a.status().wire(), Database.ts(a.startsAt())), r);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            AlertStore.Row r = byKey.get(key(rs.getString(2), rs.getString(3),
                                    rs.getObject(4, OffsetDateTime.class)));
                            created.put(r, rs.getLong(1));
                        }
                    }
                }
            }
            return created;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO alert_events (fingerprint, status, starts_at, body, state, created_at, group_hash)"
                        + " SELECT ?, ?, ?, ?, 'PENDING', ?, ? FROM (VALUES 0) x"
                        + " WHERE NOT EXISTS (SELECT 1 FROM alert_events r WHERE r.fingerprint = ? AND r.starts_at = ?"
                        + " AND r.status = 'resolved' AND CAST(? AS VARCHAR(16)) = 'firing')"
                        + " AND NOT EXISTS (SELECT 1 FROM alert_events d WHERE d.fingerprint = ? AND d.status = ?"
                        + " AND d.starts_at = ?)", Statement.RETURN_GENERATED_KEYS)) {
            for (AlertStore.Row r : rows) {
                Alert a = r.alert();
                String status = a.status().wire();
                Database.bind(ps, a.fingerprint(), status, a.startsAt(), r.body(), now, a.groupHash(), a.fingerprint(),
                        a.startsAt(),
                        status, a.fingerprint(), status, a.startsAt());
                if (ps.executeUpdate() > 0) {
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        if (keys.next()) {
                            created.put(r, keys.getLong(1));
                        }
                    }
                }
            }
        }
        return created;
    }

    /**
     * Drops firing rows whose occurrence is already resolved in the store (a late re-send, say from
     * the other Alertmanager of an HA pair): one indexed query per batch instead of a subquery per row.
     */
    private static List<AlertStore.Row> withoutLateFiring(Connection c, List<AlertStore.Row> rows) throws SQLException {
        List<String> firing = rows.stream().filter(r -> r.alert().isFiring()).map(r -> r.alert().fingerprint())
                .distinct().toList();
        if (firing.isEmpty()) {
            return rows;
        }
        java.util.Set<String> resolved = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT fingerprint, starts_at FROM alert_events WHERE status = 'resolved' AND fingerprint = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("varchar", firing.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    resolved.add(key(rs.getString(1), "firing", rs.getObject(2, OffsetDateTime.class)));
                }
            }
        }
        if (resolved.isEmpty()) {
            return rows;
        }
        return rows.stream().filter(r -> !resolved.contains(key(r.alert().fingerprint(), r.alert().status().wire(),
                Database.ts(r.alert().startsAt())))).toList();
    }

    /** Parameters: event_id, fingerprint, sink, target, created_at. */
    String insertDelivery() {
        return switch (this) {
            case POSTGRESQL -> "INSERT INTO deliveries (event_id, fingerprint, sink, target, state, created_at)"
                    + " VALUES (?, ?, ?, ?, 'PENDING', ?) ON CONFLICT (event_id, sink, target) DO NOTHING";
            case H2 -> "MERGE INTO deliveries d USING (VALUES (CAST(? AS BIGINT), CAST(? AS VARCHAR), CAST(? AS VARCHAR),"
                    + " CAST(? AS VARCHAR), CAST(? AS TIMESTAMP WITH TIME ZONE))) AS s (event_id, fingerprint, sink, target, created_at)"
                    + " ON d.event_id = s.event_id AND d.sink = s.sink AND d.target = s.target"
                    + " WHEN NOT MATCHED THEN INSERT (event_id, fingerprint, sink, target, state, created_at)"
                    + " VALUES (s.event_id, s.fingerprint, s.sink, s.target, 'PENDING', s.created_at)";
        };
    }

    /** Parameters: sink, target, group_hash, group_key, created_at. Creates the group row unless it exists. */
    /** A group's member as last routed: (group_id, fingerprint, status, event_id, paged, changed_at). */
    String upsertMember() {
        return switch (this) {
            case POSTGRESQL -> "INSERT INTO group_members (group_id, fingerprint, status, event_id, paged, changed_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, fingerprint) DO UPDATE SET status = EXCLUDED.status,"
                    + " event_id = EXCLUDED.event_id, paged = EXCLUDED.paged, changed_at = EXCLUDED.changed_at";
            // typed, as the other H2 merges: H2 finds the member by its primary key only for typed values
            case H2 -> "MERGE INTO group_members t USING (VALUES (CAST(? AS BIGINT), CAST(? AS VARCHAR), CAST(? AS VARCHAR),"
                    + " CAST(? AS BIGINT), CAST(? AS VARCHAR), CAST(? AS TIMESTAMP WITH TIME ZONE)))"
                    + " AS s (group_id, fingerprint, status, event_id, paged, changed_at)"
                    + " ON t.group_id = s.group_id AND t.fingerprint = s.fingerprint"
                    + " WHEN MATCHED THEN UPDATE SET status = s.status, event_id = s.event_id, paged = s.paged,"
                    + " changed_at = s.changed_at"
                    + " WHEN NOT MATCHED THEN INSERT (group_id, fingerprint, status, event_id, paged, changed_at)"
                    + " VALUES (s.group_id, s.fingerprint, s.status, s.event_id, s.paged, s.changed_at)";
        };
    }

    String insertGroup() {
        return switch (this) {
            case POSTGRESQL -> "INSERT INTO alert_groups (sink, target, group_hash, group_key, created_at)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (sink, target, group_hash) DO NOTHING";
            case H2 -> "MERGE INTO alert_groups g USING (VALUES (CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR),"
                    + " CAST(? AS VARCHAR), CAST(? AS TIMESTAMP WITH TIME ZONE))) AS s (sink, target, group_hash, group_key, created_at)"
                    + " ON g.sink = s.sink AND g.target = s.target AND g.group_hash = s.group_hash"
                    + " WHEN NOT MATCHED THEN INSERT (sink, target, group_hash, group_key, created_at)"
                    + " VALUES (s.sink, s.target, s.group_hash, s.group_key, s.created_at)";
        };
    }

    private static int bindAlert(PreparedStatement ps, int offset, AlertStore.Row r, Instant now) throws SQLException {
        Alert a = r.alert();
        return Database.bindAt(ps, offset, a.fingerprint(), a.status().wire(), a.severity().wire(), a.alertname(),
                a.source(), a.startsAt(), a.endsAt(), r.body(), now, a.groupHash());
    }

    private static String key(String fingerprint, String status, OffsetDateTime startsAt) {
        return fingerprint + '|' + status + '|' + startsAt.toInstant();
    }

    private static <T> List<List<T>> chunks(List<T> rows) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += ROWS_PER_STATEMENT) {
            out.add(rows.subList(i, Math.min(rows.size(), i + ROWS_PER_STATEMENT)));
        }
        return out;
    }
}
