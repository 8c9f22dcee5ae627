package dev.alerthub.store;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    private volatile DeliveryWriter writer;

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

    /** Exchange property: the outcomes of a claimed batch, written by {@link #finishBatch} in one transaction. */
    public static final String OUTCOMES = "alerthub.outboxOutcomes";
    /** Events handed to the router in one message (intake, recovery): one claim and one finish transaction each (a storm's group takes its lock once per batch). */
    public static final int BATCH = 100;

    /** A claimed event: its id and alert. */
    public record Claimed(long id, Alert alert) {
    }

    /**
     * A delivery the router asked for while routing an event of a batch: written with the batch's
     * outcomes in one transaction ({@link #finishBatch}), by the batch's {@link DeliveryWriter}.
     */
    public record Intent(long eventId, Alert alert, String sink, String target, String context) {
    }

    /** Writes a batch's deliveries in the batch's transaction; returns those to queue once committed. */
    public interface DeliveryWriter {
        List<WorkQueue.Due> write(Connection c, List<Intent> intents) throws SQLException;
    }

    /** What the router decided for the events of one batch, and what it asked to record, in that order. */
    public static final class Outcomes {
        private final Map<Long, State> states = new LinkedHashMap<>();
        private final List<Intent> writes = new ArrayList<>();

        synchronized void add(long id, State state) {
            states.put(id, state);
        }

        /** Records this delivery with the batch's outcomes, in the same transaction. */
        public synchronized void add(Intent intent) {
            writes.add(intent);
        }

        synchronized Map<Long, State> drainStates() {
            Map<Long, State> out = new LinkedHashMap<>(states);
            states.clear();
            return out;
        }

        synchronized List<Intent> drainWrites() {
            List<Intent> out = new ArrayList<>(writes);
            writes.clear();
            return out;
        }
    }

    /** The batch an exchange's alert is routed in, or null when it is routed on its own. */
    public static Outcomes batchOf(Exchange exchange) {
        return exchange.getProperty(OUTCOMES, Outcomes.class);
    }

    /**
     * Body: an event id, or a list of them (the intake's new events, the recovery's due ones). Claims
     * those that are this caller's to route in one transaction, and leaves them as a list of
     * {@link Claimed}, in id order (an event whose earlier sibling of the same alert is still open is
     * left for later, as {@link WorkQueue#claim} does). The route splits the list and routes each alert
     * on its own; {@link #routed} and {@link #silenced} collect the outcomes, {@link #finishBatch}
     * writes them in one transaction. A crash before that leaves the events claimed: they are routed
     * again when the lease is released (restart) or runs out, and what routing records is idempotent
     * (one delivery per event, sink and target; one remediation per occurrence).
     */
    public void claimBatch(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        List<Long> ids = body instanceof Collection<?> many
                ? many.stream().map(o -> ((Number) o).longValue()).toList()
                : List.of(exchange.getMessage().getBody(Long.class));
        List<Claimed> claimed = db.inTransaction(c -> {
            List<Long> mine = queue.claimAll(c, ids);
            Map<Long, Alert> alerts = new HashMap<>();
            for (int from = 0; from < mine.size(); from += BATCH) {
                List<Long> chunk = mine.subList(from, Math.min(mine.size(), from + BATCH));
                try (PreparedStatement ps = c.prepareStatement("SELECT id, body FROM alert_events WHERE id IN ("
                        + String.join(",", Collections.nCopies(chunk.size(), "?")) + ")")) {
                    Database.bind(ps, chunk.toArray());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            alerts.put(rs.getLong(1), Json.read(rs.getString(2), Alert.class));
                        }
                    }
                }
            }
            return mine.stream().map(id -> new Claimed(id, alerts.get(id))).toList();
        });
        exchange.setProperty(OUTCOMES, new Outcomes());
        exchange.getMessage().removeHeader(EVENT_ID);
        exchange.getMessage().setBody(claimed);
    }

    /** Body: one {@link Claimed} of the batch. Leaves its alert as body and its id as header eventId. */
    public void open(Exchange exchange) {
        Claimed claimed = exchange.getMessage().getBody(Claimed.class);
        exchange.getMessage().setHeader(EVENT_ID, claimed.id());
        exchange.getMessage().setBody(claimed.alert());
    }

    /**
     * Writes what the router decided for the batch and the deliveries it recorded, in one
     * transaction; leaves the deliveries to queue (a list of {@link WorkQueue.Due}) as body, for the
     * route to hand to the sinks once they are committed. A write of an event whose routing failed is
     * dropped (that event is routed again). If the batch's transaction fails, each event is written
     * on its own, so one event the store refuses does not hold back the rest; that event is retried
     * as a routing failure.
     */
    public void finishBatch(Exchange exchange) {
        Outcomes outcomes = batchOf(exchange);
        exchange.getMessage().setBody(List.of());
        if (outcomes == null) {
            return;
        }
        Map<Long, State> done = outcomes.drainStates();
        List<Intent> writes = outcomes.drainWrites();
        writes.removeIf(w -> done.get(w.eventId()) != State.DONE);
        if (done.isEmpty()) {
            return;
        }
        List<WorkQueue.Due> queued;
        try {
            queued = db.inTransaction(c -> finish(c, done, writes));
        } catch (RuntimeException e) {
            if (done.size() == 1) {
                failed(done.keySet().iterator().next(), e);
                return;
            }
            LOG.warn("Recording a batch of {} routed alert event(s) failed; recording them one by one: {}",
                    done.size(), e.getMessage());
            queued = new ArrayList<>();
            for (Map.Entry<Long, State> one : done.entrySet()) {
                List<Intent> its = writes.stream().filter(w -> w.eventId() == one.getKey()).toList();
                try {
                    queued.addAll(db.inTransaction(c -> finish(c, Map.of(one.getKey(), one.getValue()), its)));
                } catch (RuntimeException alone) {
                    failed(one.getKey(), alone);
                }
            }
        }
        exchange.getMessage().setBody(queued);
    }

    private List<WorkQueue.Due> finish(Connection c, Map<Long, State> done, List<Intent> intents) throws SQLException {
        Map<State, List<Long>> byState = new EnumMap<>(State.class);
        done.forEach((id, state) -> byState.computeIfAbsent(state, s -> new ArrayList<>()).add(id));
        for (Map.Entry<State, List<Long>> e : byState.entrySet()) {
            queue.finishAll(c, e.getValue(), e.getKey());
        }
        if (intents.isEmpty()) {
            return List.of();
        }
        if (writer == null) {
            throw new IllegalStateException("the outbox has no delivery writer: deliveries cannot be recorded");
        }
        return writer.write(c, intents);
    }

    /** Who records the deliveries the router asks for in a batch (the hub's {@link Deliveries}). */
    public void recordDeliveriesWith(DeliveryWriter writer) {
        this.writer = writer;
    }

    private void finish(Exchange exchange, State state) {
        long id = exchange.getMessage().getHeader(EVENT_ID, Long.class);
        Outcomes batch = batchOf(exchange);
        if (batch != null) {
            batch.add(id, state);
        } else {
            queue.finish(id, state);
        }
    }

    /**
     * The router finished with this event: every delivery it chose is recorded. In a batch
     * ({@link #claimBatch}) it is marked with the batch's other outcomes ({@link #finishBatch}).
     */
    public void routed(Exchange exchange) {
        finish(exchange, State.DONE);
    }

    /** A silence muted this event: nobody is told, and it is not routed again. */
    public void silenced(Exchange exchange) {
        finish(exchange, State.SILENCED);
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
        failed(id, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    private void failed(long id, Throwable cause) {
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

    /** {@link #due()} in batches of at most {@link #BATCH}, each one message for {@link #claimBatch}. */
    public List<List<Long>> dueBatches() {
        return batches(due());
    }

    /** Event ids in batches of at most {@link #BATCH}. */
    public static List<List<Long>> batches(List<Long> ids) {
        List<List<Long>> out = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += BATCH) {
            out.add(List.copyOf(ids.subList(from, Math.min(ids.size(), from + BATCH))));
        }
        return out;
    }

    /** Events not yet routed: the outbox depth. */
    public long depth() {
        return queue.depth();
    }
}
