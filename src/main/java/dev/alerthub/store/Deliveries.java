package dev.alerthub.store;

import dev.alerthub.metrics.Metrics;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import org.apache.camel.Exchange;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One row per (event, sink, target) the router chose: a {@link WorkQueue} over {@code deliveries}.
 * Recorded before the router's work counts as done, claimed with a lease by the sink's delivery
 * route, and marked sent only after the sink accepted it. A send that failed and may succeed later
 * goes back to the queue with a due time ({@link #retryAt}): no thread waits for it. Deliveries of
 * one fingerprint to one sink and target go out in order, retries included.
 */
public class Deliveries {
    public static final String DELIVERY_ID = "deliveryId";
    /** Router-set header naming a sink-specific target (a team's Slack webhook, say); consumed by enqueue. */
    public static final String TARGET = "target";
    public static final String SINK = "sink";
    /** Exchange property with the alert being delivered (for dead letters and logs). */
    public static final String ALERT = "alerthub.alert";
    /** Exchange property: when this delivery's first send failed (null: it has not failed yet). */
    public static final String FIRST_FAILED = "alerthub.firstFailedAt";
    /** Exchange property: how many times this delivery has been tried, this one included. */
    public static final String ATTEMPTS = "alerthub.attempts";

    /**
     * Exchange property: what this delivery is beyond the alert's own notification ({@code ack},
     * {@code reminder}, {@code escalation}); absent for the notification itself.
     */
    public static final String KIND = "alerthub.kind";
    /** Exchange property: true for a reminder (Slack Web API mode posts it as a thread reply). */
    public static final String REMINDER = "alerthub.reminder";
    /** Exchange property: the message thread a delivery belongs to (the alert's fingerprint). */
    public static final String THREAD_KEY = "alerthub.threadKey";
    /** Exchange property: the fingerprint of the alert a delivery is about ("" for none). */
    public static final String FINGERPRINT = "alerthub.fingerprint";

    /**
     * Exchange properties a sink reads at send time, kept with the delivery (column {@code context}) so
     * that a retry, the recovery poller and a dead-letter replay send it as the fast path would: the
     * Slack message key (the grouping sets it to the group key), "this is a reminder" (a Slack thread
     * reply), "this is a thread reply" (a remediation action) and the group id (the ack button's value).
     */
    public static final List<String> CONTEXT = List.of("alerthub.slackThreadKey", "alerthub.reminder",
            "alerthub.slackReply", "alerthub.groupId");
    /** Exchange property: the group a delivery is for (docs/sinks.md#grouping); absent for an alert alone. */
    public static final String GROUP_ID = "alerthub.groupId";
    /**
     * Exchange property: the group's members when the delivery is rendered as a group message
     * ({@link AlertGroups.Snapshot}); absent when it shows one alert.
     */
    public static final String GROUP = "alerthub.group";
    /**
     * Exchange property: what a Slack message stands for, so a mode that edits messages updates the
     * same one: the group key for a group's delivery.
     */
    public static final String SLACK_THREAD_KEY = "alerthub.slackThreadKey";

    /** A delivery's states, as stored. */
    public enum State { PENDING, SENDING, SENT, DEAD }

    static final WorkQueue.Shape<State> SHAPE = new WorkQueue.Shape<>("deliveries", State.PENDING, State.SENDING,
            WorkQueue.key("fingerprint", "sink", "target"), "created_at", "sink");

    private final Database db;
    private final Metrics metrics;
    private final Clock clock;
    private final WorkQueue<State> queue;
    private final NotificationHistory history;
    private final AlertGroups groups;

    public Deliveries(Database db, Clock clock, WorkQueue<State> queue, Metrics metrics) {
        this(db, clock, queue, metrics, null);
    }

    public Deliveries(Database db, Clock clock, WorkQueue<State> queue, Metrics metrics, NotificationHistory history) {
        this(db, clock, queue, metrics, history, new AlertGroups(db, clock, Duration.ZERO, Integer.MAX_VALUE));
    }

    /**
     * @param history where each send is recorded (GET /api/notifications), may be null
     * @param groups  alert groups (docs/sinks.md#grouping)
     */
    public Deliveries(Database db, Clock clock, WorkQueue<State> queue, Metrics metrics, NotificationHistory history,
                      AlertGroups groups) {
        this.db = db;
        this.metrics = metrics;
        this.clock = clock;
        this.queue = queue;
        this.history = history;
        this.groups = groups;
    }

    public static WorkQueue<State> queue(Database db, Clock clock, String owner, Duration lease, Duration recoveryAge) {
        return new WorkQueue<>(db, clock, SHAPE, owner, lease, recoveryAge);
    }

    /**
     * Records that the routed alert (body) goes to this sink. Sets the deliveryId header to the
     * delivery to queue; removes it when there is nothing new to queue: an alert of a group
     * (docs/sinks.md#grouping) joined its group's next message, not yet claimed, or an open
     * PagerDuty group incident already covers it. Routed in a batch ({@link Outbox#claimBatch}), it
     * is recorded with the batch's outcomes instead, in the batch's transaction, and the batch queues
     * it once that is committed: no header then.
     */
    public void enqueue(Exchange exchange, String sink) {
        Alert alert = exchange.getMessage().getBody(Alert.class);
        long eventId = exchange.getMessage().getHeader(Outbox.EVENT_ID, Long.class);
        String target = exchange.getMessage().getHeader(TARGET, "", String.class);
        exchange.getMessage().removeHeader(TARGET);
        String context = context(exchange);
        exchange.getMessage().removeHeader(DELIVERY_ID);
        Outbox.Outcomes batch = Outbox.batchOf(exchange);
        if (batch != null) {
            batch.add(new Outbox.Intent(eventId, alert, sink, target, context));
            return;
        }
        long id = db.inTransaction(c -> record(c, eventId, alert, sink, target, context));
        if (id > 0) {
            exchange.getMessage().setHeader(DELIVERY_ID, id);
        }
    }

    /**
     * Records a batch's deliveries ({@link Outbox#finishBatch}): the alerts of one group to one Slack
     * or email target join it together (the group's lock taken once, its members written in one round
     * trip), groups last and in one order so a batch holds their locks briefly and never in an order
     * another batch could deadlock with. Returns the deliveries to queue.
     */
    public List<WorkQueue.Due> write(Connection c, List<Outbox.Intent> intents) throws SQLException {
        List<WorkQueue.Due> out = new ArrayList<>();
        Map<String, List<Outbox.Intent>> joins = new TreeMap<>();
        for (Outbox.Intent i : intents) {
            if (joinsGroup(i)) {
                joins.computeIfAbsent(i.sink() + "\n" + i.target() + "\n" + i.alert().groupHash(), k -> new ArrayList<>())
                        .add(i);
            }
        }
        // PagerDuty pages (alone, or a group's incident) lock their group one alert at a time: in key order too
        List<Outbox.Intent> rest = intents.stream().filter(i -> !joinsGroup(i))
                .sorted(java.util.Comparator.comparing((Outbox.Intent i) -> i.alert().group() == null ? ""
                        : i.alert().groupHash() + "\n" + i.target()))
                .toList();
        for (Outbox.Intent i : rest) {
            long id = record(c, i.eventId(), i.alert(), i.sink(), i.target(), i.context());
            if (id > 0) {
                out.add(new WorkQueue.Due(id, i.sink()));
            }
        }
        for (List<Outbox.Intent> group : joins.values()) {
            Outbox.Intent first = group.get(0);
            long id = groups.joinAll(c, first.sink(), first.target(), group.stream()
                    .map(i -> new AlertGroups.Member(i.alert(), i.eventId())).toList());
            if (id > 0) {
                out.add(new WorkQueue.Due(id, first.sink()));
            }
        }
        return out;
    }

    /** Slack and email tell an alert of a group in its group's message (PagerDuty decides per alert). */
    private static boolean joinsGroup(Outbox.Intent i) {
        return i.alert().group() != null && !"pagerduty".equals(i.sink());
    }

    /** The delivery of this event to the sink and target: a new one's id, or 0 when its group's next message carries it. */
    private long record(Connection c, long eventId, Alert alert, String sink, String target, String context)
            throws SQLException {
        if (alert.group() != null) {
            long grouped = "pagerduty".equals(sink) ? groups.page(c, target, alert, eventId)
                    : groups.join(c, sink, target, alert, eventId);
            if (grouped >= 0) {
                return grouped;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(db.dialect().insertDelivery())) {
            Database.bind(ps, eventId, alert.fingerprint(), sink, target, clock.instant());
            ps.executeUpdate();
        }
        long created;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM deliveries WHERE event_id = ? AND sink = ? AND target = ?")) {
            Database.bind(ps, eventId, sink, target);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                created = rs.getLong(1);
            }
        }
        if (context != null) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET context = ? WHERE id = ?")) {
                Database.bind(ps, context, created);
                ps.executeUpdate();
            }
        }
        return created;
    }

    /**
     * Records a message rendered before it is queued (a remediation's audit post, an acknowledgement,
     * a reminder, an escalation): properties sink, target, alerthub.alert and alerthub.request, and
     * optionally alerthub.kind and alerthub.threadKey. Sets the deliveryId header. From here it is
     * delivered, retried and dead-lettered like any alert's delivery.
     */
    public void enqueueRendered(Exchange exchange) {
        Alert alert = exchange.getProperty(ALERT, Alert.class);
        String sink = exchange.getProperty(SINK, String.class);
        String target = exchange.getProperty(TARGET, "", String.class);
        String request = exchange.getProperty(DeadLetters.REQUEST, String.class);
        String kind = exchange.getProperty(KIND, String.class);
        String threadKey = exchange.getProperty(THREAD_KEY, String.class);
        long id = db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO deliveries (fingerprint, sink, target, state, created_at, request, kind, thread_key,
                                            context)
                    VALUES (?, ?, ?, 'PENDING', ?, ?, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
                Database.bind(ps, alert == null ? "" : alert.fingerprint(), sink, target, clock.instant(), request,
                        kind, threadKey, context(exchange));
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
        exchange.getMessage().setHeader(DELIVERY_ID, id);
    }

    /**
     * Header deliveryId. Leaves the alert as body and the properties deliveryId, sink, target,
     * alerthub.alert, alerthub.attempts, alerthub.firstFailedAt, and alerthub.request for a message
     * rendered in advance (properties survive the send route clearing headers); or leaves a null body
     * when the delivery is done, held by another worker, not yet due, or waiting for an earlier one.
     */
    public void claim(Exchange exchange) {
        long id = exchange.getMessage().getHeader(DELIVERY_ID, Long.class);
        Claimed claimed = db.inTransaction(c -> {
            int attempts = queue.claim(c, id);
            if (attempts == 0) {
                return null;
            }
            Claimed row;
            long group;
            String action;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT d.sink, d.target, d.request, d.first_failed_at, e.body, d.fingerprint, d.kind, d.thread_key,
                           d.context, d.group_id, d.group_action
                    FROM deliveries d LEFT JOIN alert_events e ON e.id = d.event_id WHERE d.id = ?""")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String body = rs.getString("body");
                    group = rs.getLong("group_id");
                    action = rs.getString("group_action");
                    row = new Claimed(rs.getString("sink"), rs.getString("target"), rs.getString("request"),
                            Database.instant(rs, "first_failed_at"), body == null ? null : Json.read(body, Alert.class),
                            attempts, rs.getString("fingerprint"), rs.getString("kind"), rs.getString("thread_key"),
                            rs.getString("context"), null);
                }
            }
            if (group == 0) {
                return row;
            }
            if (action == null && groups.settling(c, id)) {
                // the rest of the group is still being routed: one message for all of it, a moment later
                queue.retryAt(c, id, clock.instant().plus(groups.settleStep()), false);
                return null;
            }
            return row.with(groups.snapshot(c, id, group, action));
        });
        if (claimed == null) {
            exchange.getMessage().setBody(null);
            return;
        }
        exchange.setProperty(DELIVERY_ID, id);
        exchange.setProperty(SINK, claimed.sink());
        exchange.setProperty(TARGET, claimed.target());
        exchange.setProperty(ATTEMPTS, claimed.attempts());
        exchange.setProperty(FIRST_FAILED, claimed.firstFailed());
        exchange.setProperty(FINGERPRINT, claimed.fingerprint());
        if (claimed.kind() != null) {
            exchange.setProperty(KIND, claimed.kind());
            exchange.setProperty(REMINDER, "reminder".equals(claimed.kind()));
        }
        exchange.setProperty(THREAD_KEY, claimed.threadKey() != null ? claimed.threadKey() : claimed.fingerprint());
        restoreContext(exchange, claimed.context());
        AlertGroups.Snapshot group = claimed.group();
        Alert alert = claimed.alert();
        if (group != null) {
            if (group.members().size() == 1 && group.action() == null) {
                // a group of one reads, threads and is acknowledged as that alert's own message
                alert = group.members().get(0);
                exchange.setProperty(FINGERPRINT, alert.fingerprint());
                exchange.setProperty(THREAD_KEY, alert.fingerprint());
            } else {
                // one message per group: a mode that edits messages updates the group's (docs/sinks.md#grouping)
                exchange.setProperty(GROUP_ID, group.id());
                exchange.setProperty(THREAD_KEY, group.key());
                exchange.setProperty(SLACK_THREAD_KEY, group.key());
                exchange.setProperty(GROUP, group);
                alert = group.members().isEmpty() ? alert : group.members().get(0);
            }
        }
        exchange.setProperty(ALERT, alert);
        if (claimed.request() != null) {
            exchange.setProperty(DeadLetters.REQUEST, claimed.request());
            exchange.getMessage().setBody(claimed.request());
        } else if (exchange.getProperty(GROUP) != null) {
            exchange.getMessage().setBody(group);
        } else {
            exchange.getMessage().setBody(alert);
        }
    }

    private record Claimed(String sink, String target, String request, Instant firstFailed, Alert alert,
                           int attempts, String fingerprint, String kind, String threadKey, String context,
                           AlertGroups.Snapshot group) {
        Claimed with(AlertGroups.Snapshot snapshot) {
            return new Claimed(sink, target, request, firstFailed, alert, attempts, fingerprint, kind, threadKey,
                    context, snapshot);
        }
    }

    /** The {@link #CONTEXT} properties this exchange has, as stored; null when it has none. */
    static String context(Exchange exchange) {
        Map<String, String> values = new TreeMap<>();
        for (String name : CONTEXT) {
            String v = exchange.getProperty(name, String.class);
            if (v != null && !v.isEmpty()) {
                values.put(name, v);
            }
        }
        return values.isEmpty() ? null : Json.write(values);
    }

    /** Sets the stored {@link #CONTEXT} properties again (a dead-letter replay uses it too). */
    public static void restoreContext(Exchange exchange, String context) {
        if (context != null && !context.isEmpty()) {
            Json.read(context, Map.class).forEach((k, v) -> exchange.setProperty(String.valueOf(k), v));
        }
    }

    /** The sink accepted it (or, for a sink that is not configured, it was logged). */
    public void sent(Exchange exchange) {
        long id = exchange.getProperty(DELIVERY_ID, Long.class);
        boolean live = exchange.getProperty("sinkLive", true, Boolean.class);
        metrics.count("alerthub.notifications", "sink", exchange.getProperty(SINK, "unknown", String.class),
                "outcome", live ? "sent" : "logged");
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        Instant now = clock.instant();
        db.inTransaction(c -> {
            queue.finish(c, id, State.SENT);
            if (history != null) {
                history.record(c, exchange, live ? NotificationHistory.Outcome.SENT : NotificationHistory.Outcome.LOGGED,
                        live ? status : null, null);
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET sent_at = ? WHERE id = ?")) {
                Database.bind(ps, now, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE alerts SET last_notified_at = ?
                    WHERE fingerprint = (SELECT fingerprint FROM deliveries WHERE id = ? AND event_id IS NOT NULL)""")) {
                Database.bind(ps, now, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE alerts SET last_notified_at = ? WHERE fingerprint IN (SELECT m.fingerprint
                      FROM group_members m JOIN deliveries d ON d.group_id = m.group_id WHERE d.id = ?)""")) {
                Database.bind(ps, now, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Back to the queue until {@code due}, freeing this worker. {@code failedSend} true: a send
     * failed (the give-up budget starts with the first such failure); false: it was not sent at all
     * (circuit open, rate limit), which does not count as an attempt.
     */
    public void retryAt(Exchange exchange, Instant due, boolean failedSend) {
        long id = exchange.getProperty(DELIVERY_ID, Long.class);
        Instant now = clock.instant();
        db.inTransaction(c -> {
            queue.retryAt(c, id, due, failedSend);
            if (failedSend) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE deliveries SET first_failed_at = COALESCE(first_failed_at, ?) WHERE id = ?")) {
                    Database.bind(ps, now, id);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Deliveries whose fast path was lost, whose retry is due, or whose worker died. */
    public List<WorkQueue.Due> due() {
        return queue.due(500);
    }
}
