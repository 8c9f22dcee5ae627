package dev.alerthub.store;

import dev.alerthub.admin.HubMetrics;
import dev.alerthub.alert.Alert;
import dev.alerthub.intake.HttpProblem;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private static final int MAX_ERROR = 2000;

    private final Database db;
    private final HubMetrics metrics;
    private final Clock clock;

    public DeadLetters(Database db, Clock clock, HubMetrics metrics) {
        this.db = db;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Called by the delivery policy when a delivery is given up on. */
    public void record(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Long deliveryId = exchange.getProperty(Deliveries.DELIVERY_ID, Long.class);
        String sink = exchange.getProperty(Deliveries.SINK, "unknown", String.class);
        String target = exchange.getProperty(Deliveries.TARGET, "", String.class);
        Alert alert = exchange.getProperty(Deliveries.ALERT, Alert.class);
        String request = exchange.getProperty(REQUEST, String.class);
        if (request == null) {
            request = exchange.getMessage().getBody(String.class);
        }
        Integer status = cause instanceof HttpOperationFailedException h ? h.getStatusCode() : null;
        String error = describe(cause);
        // counted by SinkRetry on every failure; a permanent refusal is not retried, so it is one
        int attempts = Math.max(1, exchange.getProperty("alerthub.failures", 0, Integer.class));
        Instant now = clock.instant();
        String storedRequest = request == null ? "" : request;
        long id = db.inTransaction(c -> {
            long dl;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO dead_letters (delivery_id, sink, target, fingerprint, alertname, request, last_status,
                                              last_error, attempts, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
                Database.bind(ps, deliveryId, sink, target, alert == null ? null : alert.fingerprint(),
                        alert == null ? null : alert.alertname(), storedRequest, status, error, attempts, now);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    dl = keys.getLong(1);
                }
            }
            if (deliveryId != null) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE deliveries SET state = 'DEAD', claimed_until = NULL WHERE id = ?")) {
                    ps.setLong(1, deliveryId);
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

    /** Header id (path parameter). Sets the properties a send route reads: request, target, sink. */
    public void prepareReplay(Exchange exchange) {
        long id = parseId(exchange.getMessage().getHeader("id", String.class));
        String[] row = db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT sink, target, request FROM dead_letters WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new String[] {rs.getString(1), rs.getString(2), rs.getString(3)} : null;
                }
            }
        });
        if (row == null) {
            throw HttpProblem.notFound("dead letter " + id + " does not exist");
        }
        exchange.getMessage().removeHeaders("*");
        exchange.setProperty(DEAD_LETTER_ID, id);
        exchange.setProperty(Deliveries.SINK, row[0]);
        exchange.setProperty(Deliveries.TARGET, row[1]);
        exchange.setProperty(REQUEST, row[2]);
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

    /** Number of dead letters not yet replayed. */
    public long open() {
        return db.queryLong("SELECT COUNT(*) FROM dead_letters WHERE replayed_at IS NULL");
    }

    private static long parseId(String raw) {
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException | NullPointerException e) {
            throw HttpProblem.badRequest("id: '" + raw + "' is not a dead-letter id (a number)");
        }
    }

    /** The failure in words, without the request URL (a Slack webhook URL is a secret). */
    public static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown failure";
        }
        if (cause instanceof HttpOperationFailedException h) {
            String body = h.getResponseBody() == null ? "" : h.getResponseBody().strip();
            String text = "HTTP " + h.getStatusCode() + (body.isEmpty() ? "" : ": " + body);
            return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) + "…" : text;
        }
        String msg = cause.getMessage() == null ? "" : cause.getMessage().replaceAll("https?://\\S+", "<url>");
        String text = cause.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
        return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) + "…" : text;
    }
}
