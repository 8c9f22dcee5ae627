package dev.alerthub.store;

/**
 * The few statements that differ between the embedded H2 store and PostgreSQL: idempotent inserts.
 * PostgreSQL gets ON CONFLICT so that two replicas writing the same event race safely; H2 is
 * embedded in one process whose single writer makes a plain existence check sufficient.
 */
enum Dialect {
    H2, POSTGRESQL;

    static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("alerthub.store.url: only jdbc:h2: and jdbc:postgresql: are supported, got "
                + jdbcUrl.replaceAll("//[^@/]*@", "//***@"));
    }

    /** Columns: fingerprint, status, severity, alertname, source, starts_at, ends_at, body, updated_at. */
    String upsertAlert() {
        // An older firing re-send must not overwrite the resolution of the same occurrence.
        String keepResolved = "NOT (t.status = 'resolved' AND s.status = 'firing' AND t.starts_at = s.starts_at)";
        return switch (this) {
            case POSTGRESQL -> """
                    INSERT INTO alerts AS t (fingerprint, status, severity, alertname, source, starts_at, ends_at, body, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (fingerprint) DO UPDATE SET status = EXCLUDED.status, severity = EXCLUDED.severity,
                      alertname = EXCLUDED.alertname, source = EXCLUDED.source, starts_at = EXCLUDED.starts_at,
                      ends_at = EXCLUDED.ends_at, body = EXCLUDED.body, updated_at = EXCLUDED.updated_at
                    WHERE """ + " " + keepResolved.replace("s.", "EXCLUDED.");
            case H2 -> """
                    MERGE INTO alerts t
                    USING (VALUES (CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR),
                                   CAST(? AS VARCHAR), CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS TIMESTAMP WITH TIME ZONE),
                                   CAST(? AS VARCHAR), CAST(? AS TIMESTAMP WITH TIME ZONE)))
                      AS s (fingerprint, status, severity, alertname, source, starts_at, ends_at, body, updated_at)
                    ON t.fingerprint = s.fingerprint
                    WHEN MATCHED AND """ + " " + keepResolved + """
                     THEN UPDATE SET status = s.status, severity = s.severity, alertname = s.alertname,
                      source = s.source, starts_at = s.starts_at, ends_at = s.ends_at, body = s.body, updated_at = s.updated_at
                    WHEN NOT MATCHED THEN INSERT (fingerprint, status, severity, alertname, source, starts_at, ends_at, body, updated_at)
                      VALUES (s.fingerprint, s.status, s.severity, s.alertname, s.source, s.starts_at, s.ends_at, s.body, s.updated_at)
                    """;
        };
    }

    /**
     * Inserts an event unless the same (fingerprint, status, starts_at) exists, or a firing event would
     * arrive after its own resolution. Parameters: fingerprint, status, starts_at, body, created_at,
     * then fingerprint, starts_at, status again for the guard. PostgreSQL returns the new id, if any.
     */
    String insertEvent() {
        String guard = " WHERE NOT EXISTS (SELECT 1 FROM alert_events r WHERE r.fingerprint = ? AND r.starts_at = ?"
                + " AND r.status = 'resolved' AND CAST(? AS VARCHAR(16)) = 'firing')";
        return switch (this) {
            case POSTGRESQL -> "INSERT INTO alert_events (fingerprint, status, starts_at, body, state, created_at)"
                    + " SELECT ?, ?, ?, ?, 'PENDING', ?" + guard
                    + " ON CONFLICT (fingerprint, status, starts_at) DO NOTHING RETURNING id";
            case H2 -> "INSERT INTO alert_events (fingerprint, status, starts_at, body, state, created_at)"
                    + " SELECT ?, ?, ?, ?, 'PENDING', ? FROM (VALUES 0) x" + guard
                    + " AND NOT EXISTS (SELECT 1 FROM alert_events d WHERE d.fingerprint = ? AND d.status = ? AND d.starts_at = ?)";
        };
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
}
