package dev.alerthub.store;

import org.apache.camel.Exchange;

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
 * Every delivery attempt and its outcome ({@code notification_attempts}): what GET /api/notifications
 * lists. Recorded where outcomes are decided: {@link Deliveries#sent} (in its transaction) and the
 * delivery policy's {@code sinkRetry.failed}. Targets are the router's names, never a URL or key.
 */
public class NotificationHistory {
    /** What became of one attempt. */
    public enum Outcome {
        SENT("sent"), LOGGED("logged"), RETRY("retry"), FAILED("failed"), DEAD_LETTER("dead-letter");

        private final String wire;

        Outcome(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    private static final int MAX_ERROR = 2000;
    private final Database db;
    private final Clock clock;

    public NotificationHistory(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** An attempt of the delivery the exchange claimed ({@code deliveries.claim}'s properties). */
    public void record(Exchange exchange, Outcome outcome, Integer httpStatus, String error) {
        db.run(c -> {
            record(c, exchange, outcome, httpStatus, error);
            return null;
        });
    }

    void record(Connection c, Exchange exchange, Outcome outcome, Integer httpStatus, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO notification_attempts (delivery_id, fingerprint, sink, target, kind, outcome, http_status,
                                                   error, attempt, attempted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            Database.bind(ps, exchange.getProperty(Deliveries.DELIVERY_ID, Long.class),
                    exchange.getProperty(Deliveries.FINGERPRINT, String.class),
                    exchange.getProperty(Deliveries.SINK, "unknown", String.class),
                    redacted(exchange.getProperty(Deliveries.TARGET, "", String.class)),
                    exchange.getProperty(Deliveries.KIND, String.class), outcome.wire(), httpStatus,
                    error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR - 1) + "…",
                    exchange.getProperty(Deliveries.ATTEMPTS, Integer.class), clock.instant());
            ps.executeUpdate();
        }
    }

    /** Newest first; {@code fingerprint} and {@code sink} narrow it when not null. */
    public List<Map<String, Object>> list(String fingerprint, String sink, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, delivery_id, fingerprint, sink, target, kind, outcome,"
                + " http_status, error, attempt, attempted_at FROM notification_attempts WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (fingerprint != null) {
            sql.append(" AND fingerprint = ?");
            params.add(fingerprint);
        }
        if (sink != null) {
            sql.append(" AND sink = ?");
            params.add(sink);
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(limit);
        return db.run(c -> {
            List<Map<String, Object>> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                Database.bind(ps, params.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("id", rs.getLong("id"));
                        row.put("time", Database.instant(rs, "attempted_at"));
                        row.put("fingerprint", rs.getString("fingerprint"));
                        row.put("sink", rs.getString("sink"));
                        row.put("target", rs.getString("target"));
                        if (rs.getString("kind") != null) {
                            row.put("kind", rs.getString("kind"));
                        }
                        row.put("outcome", rs.getString("outcome"));
                        row.put("httpStatus", rs.getObject("http_status") == null ? null : rs.getInt("http_status"));
                        row.put("error", rs.getString("error"));
                        row.put("attempt", rs.getObject("attempt") == null ? null : rs.getInt("attempt"));
                        row.put("deliveryId", rs.getObject("delivery_id") == null ? null : rs.getLong("delivery_id"));
                        out.add(row);
                    }
                }
            }
            return out;
        });
    }

    /** Attempts older than {@code before} (housekeeping, alerthub.history.retention). */
    static int purge(Connection c, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM notification_attempts WHERE attempted_at < ?")) {
            Database.bind(ps, before);
            return ps.executeUpdate();
        }
    }

    /** The router's target name ("default" for the sink's own); anything shaped like a URL is not shown. */
    static String redacted(String target) {
        if (target == null || target.isBlank()) {
            return "default";
        }
        return target.contains("://") || target.contains("@") ? "<redacted>" : target;
    }
}
