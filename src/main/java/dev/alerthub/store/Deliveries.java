package dev.alerthub.store;

import dev.alerthub.metrics.Metrics;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import org.apache.camel.Exchange;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One row per (event, sink, target) the router chose. Recorded before the router's work counts as
 * done, claimed with a lease by the sink's delivery route, and marked sent only after the sink
 * accepted it. Deliveries of one fingerprint to one sink go out in order.
 */
public class Deliveries {
    public static final String DELIVERY_ID = "deliveryId";
    /** Router-set header naming a sink-specific target (a team's Slack webhook, say); consumed by enqueue. */
    public static final String TARGET = "target";
    public static final String SINK = "sink";
    /** Exchange property with the alert being delivered (for dead letters and logs). */
    public static final String ALERT = "alerthub.alert";

    /** A delivery the recovery poller hands back to its sink's queue. */
    public record Due(String sink, long id) {
    }

    private final Database db;
    private final Metrics metrics;
    private final Clock clock;
    private final Duration lease;
    private final Duration recoveryAge;

    public Deliveries(Database db, Clock clock, Duration lease, Duration recoveryAge, Metrics metrics) {
        this.db = db;
        this.metrics = metrics;
        this.clock = clock;
        this.lease = lease;
        this.recoveryAge = recoveryAge;
    }

    /** Records that the routed alert (body) goes to this sink; sets the deliveryId header. */
    public void enqueue(Exchange exchange, String sink) {
        Alert alert = exchange.getMessage().getBody(Alert.class);
        long eventId = exchange.getMessage().getHeader(Outbox.EVENT_ID, Long.class);
        String target = exchange.getMessage().getHeader(TARGET, "", String.class);
        exchange.getMessage().removeHeader(TARGET);
        long id = db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(db.dialect().insertDelivery())) {
                Database.bind(ps, eventId, alert.fingerprint(), sink, target, clock.instant());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM deliveries WHERE event_id = ? AND sink = ? AND target = ?")) {
                Database.bind(ps, eventId, sink, target);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        exchange.getMessage().setHeader(DELIVERY_ID, id);
    }

    /**
     * Header deliveryId. Leaves the alert as body and the properties deliveryId, sink, target and
     * alerthub.alert (properties survive the send route clearing headers); or leaves a null
     * body when the delivery is done, held by another worker, or waiting for an earlier one.
     */
    public void claim(Exchange exchange) {
        long id = exchange.getMessage().getHeader(DELIVERY_ID, Long.class);
        Instant now = clock.instant();
        Object[] claimed = db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE deliveries SET state = 'SENDING', claimed_until = ?, attempts = attempts + 1
                    WHERE id = ? AND (state = 'PENDING' OR (state = 'SENDING' AND claimed_until < ?))
                      AND NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.fingerprint = deliveries.fingerprint
                                      AND p.sink = deliveries.sink AND p.target = deliveries.target
                                      AND p.id < deliveries.id AND p.state IN ('PENDING', 'SENDING'))
                    """)) {
                Database.bind(ps, now.plus(lease), id, now);
                if (ps.executeUpdate() == 0) {
                    return null;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT d.sink, d.target, e.body FROM deliveries d JOIN alert_events e ON e.id = d.event_id
                    WHERE d.id = ?""")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Object[] {rs.getString(1), rs.getString(2), Json.read(rs.getString(3), Alert.class)};
                }
            }
        });
        if (claimed == null) {
            exchange.getMessage().setBody(null);
            return;
        }
        exchange.setProperty(DELIVERY_ID, id);
        exchange.setProperty(SINK, claimed[0]);
        exchange.setProperty(TARGET, claimed[1]);
        exchange.setProperty(ALERT, claimed[2]);
        exchange.getMessage().setBody(claimed[2]);
    }

    /** The sink accepted it (or, for a sink that is not configured, it was logged). */
    public void sent(Exchange exchange) {
        long id = exchange.getProperty(DELIVERY_ID, Long.class);
        metrics.count("alerthub.notifications", "sink", exchange.getProperty(SINK, "unknown", String.class),
                "outcome", exchange.getProperty("sinkLive", true, Boolean.class) ? "sent" : "logged");
        Instant now = clock.instant();
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE deliveries SET state = 'SENT', sent_at = ?, claimed_until = NULL WHERE id = ?")) {
                Database.bind(ps, now, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE alerts SET last_notified_at = ?
                    WHERE fingerprint = (SELECT fingerprint FROM deliveries WHERE id = ?)""")) {
                Database.bind(ps, now, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Keeps a claim while its sender is still retrying: the lease must outlive the wait before the
     * next attempt, or another worker (or replica) would take the delivery over and send it twice.
     */
    public void renew(long id, long waitMillis) {
        Instant until = clock.instant().plus(lease).plusMillis(Math.max(0, waitMillis));
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE deliveries SET claimed_until = ? WHERE id = ? AND state = 'SENDING'")) {
                Database.bind(ps, until, id);
                return ps.executeUpdate();
            }
        });
    }

    /** Deliveries whose fast path was lost or whose worker died. */
    public List<Due> due() {
        Instant now = clock.instant();
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT sink, id FROM deliveries
                    WHERE (state = 'PENDING' AND created_at < ?) OR (state = 'SENDING' AND claimed_until < ?)
                    ORDER BY id LIMIT 500""")) {
                Database.bind(ps, now.minus(recoveryAge), now);
                List<Due> due = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(new Due(rs.getString(1), rs.getLong(2)));
                    }
                }
                return due;
            }
        });
    }
}
