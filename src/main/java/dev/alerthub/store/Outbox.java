package dev.alerthub.store;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Alert events waiting to be routed. An event is claimed (with a lease, so a crashed replica's work
 * is taken over), routed by the YAML router, then marked done. Events of one fingerprint are routed
 * in order: a resolve never overtakes its trigger.
 */
public class Outbox {
    public static final String EVENT_ID = "eventId";
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private final Database db;
    private final Clock clock;
    private final Duration lease;
    private final Duration recoveryAge;
    private final int maxAttempts;

    public Outbox(Database db, Clock clock, Duration lease, Duration recoveryAge, int maxAttempts) {
        this.db = db;
        this.clock = clock;
        this.lease = lease;
        this.recoveryAge = recoveryAge;
        this.maxAttempts = maxAttempts;
    }

    /** Body: an event id. Leaves the event's alert as body, or null when it is not this caller's to route. */
    public void claim(Exchange exchange) {
        long id = exchange.getMessage().getBody(Long.class);
        Instant now = clock.instant();
        Alert alert = db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE alert_events SET state = 'ROUTING', claimed_until = ?, attempts = attempts + 1
                    WHERE id = ? AND (state = 'PENDING' OR (state = 'ROUTING' AND claimed_until < ?))
                      AND NOT EXISTS (SELECT 1 FROM alert_events p WHERE p.fingerprint = alert_events.fingerprint
                                      AND p.id < alert_events.id AND p.state IN ('PENDING', 'ROUTING'))
                    """)) {
                Database.bind(ps, now.plus(lease), id, now);
                if (ps.executeUpdate() == 0) {
                    return null;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT body, attempts FROM alert_events WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt("attempts") > maxAttempts) {
                        LOG.error("Alert event {} failed routing {} times; giving up (state FAILED)", id, maxAttempts);
                        try (PreparedStatement f = c.prepareStatement(
                                "UPDATE alert_events SET state = 'FAILED' WHERE id = ?")) {
                            f.setLong(1, id);
                            f.executeUpdate();
                        }
                        return null;
                    }
                    return Json.read(rs.getString("body"), Alert.class);
                }
            }
        });
        exchange.getMessage().setHeader(EVENT_ID, id);
        exchange.getMessage().setBody(alert);
    }

    /** The router finished with this event: every delivery it chose is recorded. */
    public void routed(Exchange exchange) {
        long id = exchange.getMessage().getHeader(EVENT_ID, Long.class);
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE alert_events SET state = 'DONE', claimed_until = NULL WHERE id = ?")) {
                ps.setLong(1, id);
                return ps.executeUpdate();
            }
        });
    }

    /** A silence muted this event: nobody is told, and it is not routed again. */
    public void silenced(Exchange exchange) {
        long id = exchange.getMessage().getHeader(EVENT_ID, Long.class);
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE alert_events SET state = 'SILENCED', claimed_until = NULL WHERE id = ?")) {
                ps.setLong(1, id);
                return ps.executeUpdate();
            }
        });
    }

    /** Events the fast path missed (crash, full queue, another replica died holding them). */
    public List<Long> due() {
        Instant now = clock.instant();
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id FROM alert_events
                    WHERE (state = 'PENDING' AND created_at < ?) OR (state = 'ROUTING' AND claimed_until < ?)
                    ORDER BY id LIMIT 500""")) {
                Database.bind(ps, now.minus(recoveryAge), now);
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

    /** Events not yet routed: the outbox depth. */
    public long depth() {
        return db.queryLong("SELECT COUNT(*) FROM alert_events WHERE state IN ('PENDING', 'ROUTING')");
    }
}
