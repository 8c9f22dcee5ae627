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
import java.util.List;

/**
 * Alert events waiting to be routed: a {@link WorkQueue} over {@code alert_events}. An event is
 * claimed (with a lease, so a crashed replica's work is taken over), routed by the YAML router, then
 * marked done. Events of one fingerprint are routed in order: a resolve never overtakes its trigger.
 * An event whose routing keeps failing is retried with backoff, then kept as a dead letter.
 */
public class Outbox {
    public static final String EVENT_ID = "eventId";
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    /** An alert event's states, as stored. */
    public enum State { PENDING, ROUTING, DONE, SILENCED, FAILED }

    static final WorkQueue.Shape<State> SHAPE = new WorkQueue.Shape<>("alert_events", State.PENDING, State.ROUTING,
            WorkQueue.key("fingerprint"), "created_at", null);

    private final Database db;
    private final Clock clock;
    private final WorkQueue<State> queue;
    private final DeadLetters deadLetters;
    private final Backoff backoff;
    private final int maxAttempts;

    public Outbox(Database db, Clock clock, WorkQueue<State> queue, DeadLetters deadLetters, Backoff backoff,
                  int maxAttempts) {
        this.db = db;
        this.clock = clock;
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
    }

    public static WorkQueue<State> queue(Database db, Clock clock, String owner, Duration lease, Duration recoveryAge) {
        return new WorkQueue<>(db, clock, SHAPE, owner, lease, recoveryAge);
    }

    /** Body: an event id. Leaves the event's alert as body, or null when it is not this caller's to route. */
    public void claim(Exchange exchange) {
        long id = exchange.getMessage().getBody(Long.class);
        Alert alert = db.inTransaction(c -> {
            if (queue.claim(c, id) == 0) {
                return null;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT body FROM alert_events WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Json.read(rs.getString(1), Alert.class);
                }
            }
        });
        exchange.getMessage().setHeader(EVENT_ID, id);
        exchange.getMessage().setBody(alert);
    }

    /** The router finished with this event: every delivery it chose is recorded. */
    public void routed(Exchange exchange) {
        queue.finish(exchange.getMessage().getHeader(EVENT_ID, Long.class), State.DONE);
    }

    /** A silence muted this event: nobody is told, and it is not routed again. */
    public void silenced(Exchange exchange) {
        queue.finish(exchange.getMessage().getHeader(EVENT_ID, Long.class), State.SILENCED);
    }

    /**
     * Routing this event failed (the exception is on the exchange): it is retried with backoff, and
     * after {@code maxAttempts} kept as a dead letter (sink {@code route}) instead of vanishing.
     */
    public void failed(Exchange exchange) {
        Long id = exchange.getMessage().getHeader(EVENT_ID, Long.class);
        if (id == null) {
            return; // failed before it was claimed: the recovery poller brings it back
        }
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String error = cause == null ? "unknown failure"
                : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        int attempts = (int) db.queryLong("SELECT attempts FROM alert_events WHERE id = ?", id);
        if (attempts < maxAttempts) {
            Duration wait = backoff.after(attempts);
            LOG.warn("Routing alert event {} failed (attempt {} of {}), retrying in {} ms: {}", id, attempts,
                    maxAttempts, wait.toMillis(), error);
            queue.retryAt(id, clock.instant().plus(wait), true);
            return;
        }
        long dead = db.inTransaction(c -> {
            queue.finish(c, id, State.FAILED);
            return deadLetters.recordEvent(c, id, attempts, error);
        });
        LOG.error("Routing alert event {} failed {} times: kept as dead letter {} (GET /api/dead-letters, "
                + "POST /api/dead-letters/{}/replay routes it again): {}", id, attempts, dead, dead,
                error);
    }

    /** Events the fast path missed (crash, full queue, another replica died holding them), retries now due. */
    public List<Long> due() {
        return queue.due(500).stream().map(WorkQueue.Due::id).toList();
    }

    /** Events not yet routed: the outbox depth. */
    public long depth() {
        return queue.depth();
    }
}
