package dev.alerthub.store;

import dev.alerthub.metrics.Metrics;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deliveries that exhausted their retries, kept with exactly the request that was meant (secrets are
 * added at send time, so none are stored) and the last answer, so that replay sends the same thing.
 */
public class DeadLetters {
    /** Exchange property holding the rendered request a sink route is about to send. */
    public static final String REQUEST = "alerthub.request";
    public static final String DEAD_LETTER_ID = "deadLetterId";
    /** The sink name of an alert event that could not be routed: replay routes it again. */
    public static final String ROUTE = "route";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final Database db;
    private final Metrics metrics;
    private final Clock clock;

    public DeadLetters(Database db, Clock clock, Metrics metrics) {
        this.db = db;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * A delivery given up on: which one, the exact request that was meant (without secrets), and the
     * last answer in words ({@code status} null when the sink never answered).
     */
    public record GivenUp(Long deliveryId, String sink, String target, Alert alert, String request,
                          Integer status, String error, int attempts) {
    }

    /** Keeps the dead letter and marks its delivery dead, in one transaction. */
    public void record(GivenUp g) {
        Long deliveryId = g.deliveryId();
        String sink = g.sink();
        Alert alert = g.alert();
        String error = g.error();
        int attempts = g.attempts();
        Instant now = clock.instant();
        long id = db.inTransaction(c -> {
            long dl;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO dead_letters (delivery_id, sink, target, fingerprint, alertname, request, last_status,
                                              last_error, attempts, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
                Database.bind(ps, deliveryId, sink, g.target(), alert == null ? null : alert.fingerprint(),
                        alert == null ? null : alert.alertname(), g.request(), g.status(), error, attempts, now);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    dl = keys.getLong(1);
                }
            }
            if (deliveryId != null) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET state = ?, claimed_until = NULL,"
                        + " lease_owner = NULL, due_at = NULL WHERE id = ?")) {
                    Database.bind(ps, Deliveries.State.DEAD.toString(), deliveryId);
                    ps.executeUpdate();
                }
            }
            return dl;
        });
        metrics.count("alerthub.notifications", "sink", sink, "outcome", "dead");
        LOG.warn("{} delivery of {} gave up after {} attempt(s): {} -- kept as dead letter {} "
                        + "(GET /api/dead-letters, POST /api/dead-letters/{}/replay)",
                sink, alert == null ? "?" : alert.alertname() + " " + alert.fingerprint(), attempts, error, id, id);
    }

    /**
     * An alert event the router kept failing on (sink {@code route}): kept with the event itself, so
     * that a replay routes it again. Runs in the caller's transaction; returns the dead letter's id.
     */
    long recordEvent(Connection c, long eventId, int attempts, String error) throws SQLException {
        String fingerprint;
        String body;
        try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint, body FROM alert_events WHERE id = ?")) {
            ps.setLong(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                fingerprint = rs.getString(1);
                body = rs.getString(2);
            }
        }
        Alert alert = Json.read(body, Alert.class);
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO dead_letters (event_id, sink, target, fingerprint, alertname, request, last_error, attempts,
                                          created_at)
                VALUES (?, ?, '', ?, ?, ?, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
            Database.bind(ps, eventId, ROUTE, fingerprint, alert.alertname(), body, error, attempts,
                    clock.instant());
            ps.executeUpdate();
            metrics.count("alerthub.events.failed");
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    public List<Map<String, Object>> list() {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM dead_letters ORDER BY id DESC LIMIT 1000");
                 ResultSet rs = ps.executeQuery()) {
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", rs.getLong("id"));
                    row.put("sink", rs.getString("sink"));
                    row.put("target", rs.getString("target"));
                    row.put("fingerprint", rs.getString("fingerprint"));
                    row.put("alertname", rs.getString("alertname"));
                    row.put("attempts", rs.getInt("attempts"));
                    int st = rs.getInt("last_status");
                    row.put("lastStatus", rs.wasNull() ? null : st);
                    row.put("lastError", rs.getString("last_error"));
                    row.put("createdAt", Database.instant(rs, "created_at"));
                    row.put("replayedAt", Database.instant(rs, "replayed_at"));
                    row.put("replayResult", rs.getString("replay_result"));
                    row.put("request", rs.getString("request"));
                    out.add(row);
                }
                return out;
            }
        });
    }

    /**
     * Header id (path parameter). Takes the dead letter for this replay, so that a second replay
     * (even a concurrent one) sends nothing: 409. Sets the properties a send route reads: request,
     * target, sink.
     */
    public void prepareReplay(Exchange exchange) {
        long id = parseId(exchange.getMessage().getHeader("id", String.class));
        Instant now = clock.instant();
        String[] row = db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE dead_letters SET replayed_at = ?, replay_result = 'replaying'
                    WHERE id = ? AND replayed_at IS NULL""")) {
                Database.bind(ps, now, id);
                if (ps.executeUpdate() == 0) {
                    return null;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT l.sink, l.target, l.request, l.event_id, d.context, d.fingerprint
                    FROM dead_letters l LEFT JOIN deliveries d ON d.id = l.delivery_id WHERE l.id = ?""")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6)};
                }
            }
        });
        if (row == null) {
            String when = db.run(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT replayed_at FROM dead_letters WHERE id = ?")) {
                    ps.setLong(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? String.valueOf(Database.instant(rs, "replayed_at")) : null;
                    }
                }
            });
            if (when == null) {
                throw new NotFoundException("dead letter " + id + " does not exist");
            }
            throw new ConflictException("dead letter " + id + " was already replayed (at " + when
                    + "); nothing was sent again");
        }
        exchange.getMessage().removeHeaders("*");
        exchange.setProperty(DEAD_LETTER_ID, id);
        exchange.setProperty(Deliveries.SINK, row[0]);
        exchange.setProperty(Deliveries.TARGET, row[1]);
        exchange.setProperty(REQUEST, row[2]);
        // sent as the delivery would have been (a Slack Web API message edits its alert's message)
        Deliveries.restoreContext(exchange, row[4]);
        if (row[5] != null && !row[5].isEmpty()) {
            exchange.setProperty(Deliveries.FINGERPRINT, row[5]);
        }
        if (row[3] != null && ROUTE.equals(row[0])) {
            requeueEvent(Long.parseLong(row[3]));
        }
    }

    /** A dead routing attempt is replayed by putting its event back in the outbox, due now. */
    private void requeueEvent(long eventId) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE alert_events SET state = ?, attempts = 0, due_at = ?,"
                    + " claimed_until = NULL, lease_owner = NULL WHERE id = ? AND state = ?")) {
                Database.bind(ps, Outbox.State.PENDING.toString(), clock.instant(), eventId,
                        Outbox.State.FAILED.toString());
                return ps.executeUpdate();
            }
        });
    }

    /** The replayed request was accepted: the dead letter and its delivery are settled. */
    public Map<String, Object> replayed(Exchange exchange) {
        long id = exchange.getProperty(DEAD_LETTER_ID, Long.class);
        Instant now = clock.instant();
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE dead_letters SET replayed_at = ?, replay_result = 'sent' WHERE id = ?")) {
                Database.bind(ps, now, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE deliveries SET state = 'SENT', sent_at = ?
                    WHERE id = (SELECT delivery_id FROM dead_letters WHERE id = ?)""")) {
                Database.bind(ps, now, id);
                ps.executeUpdate();
            }
            return null;
        });
        LOG.info("Dead letter {} replayed to {}", id, exchange.getProperty(Deliveries.SINK));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", id);
        answer.put("replayed", true);
        answer.put("sink", exchange.getProperty(Deliveries.SINK));
        return answer;
    }

    /** The replay's send failed: the dead letter is open again, so a later replay may send it. */
    public void replayFailed(Exchange exchange) {
        long id = exchange.getProperty(DEAD_LETTER_ID, Long.class);
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE dead_letters SET replayed_at = NULL, replay_result = NULL WHERE id = ?")) {
                ps.setLong(1, id);
                return ps.executeUpdate();
            }
        });
    }

    /** Number of dead letters not yet replayed. */
    public long open() {
        return db.queryLong("SELECT COUNT(*) FROM dead_letters WHERE replayed_at IS NULL");
    }

    private static long parseId(String raw) {
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException | NullPointerException e) {
            throw new InvalidRequestException("id: '" + raw + "' is not a dead-letter id (a number)");
        }
    }
}
