package dev.alerthub.store;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;

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

/**
 * Alert groups per sink and target (docs/sinks.md#grouping), kept in the store's delivery tables:
 * {@code alert_groups}, {@code group_members} and {@code deliveries.group_id}. Recording a member
 * and deciding whether the group needs one more delivery is one transaction under the group row's
 * lock, and so is claiming a group's delivery and reading its members: a member recorded while a
 * message is being sent is never lost between the two (it makes the next message).
 */
public class AlertGroups {
    /** The group's members as they are when its delivery is claimed. */
    public record Snapshot(long id, String sink, String target, String key, String hash, String action,
                           List<Alert> members) {
        /** The PagerDuty incident of a whole group. */
        public String dedupKey() {
            return "group:" + hash;
        }

        public long firing() {
            return members.stream().filter(Alert::isFiring).count();
        }
    }

    private static final Duration SETTLE_STEP = Duration.ofMillis(250);

    private final Database db;
    private final Clock clock;
    private final Duration hold;
    private final int pageGroupAbove;

    /**
     * @param hold           at most how long a group's delivery waits for the rest of its group to be routed
     * @param pageGroupAbove a group with more firing critical alerts than this is paged as one incident
     */
    public AlertGroups(Database db, Clock clock, Duration hold, int pageGroupAbove) {
        this.db = db;
        this.clock = clock;
        this.hold = hold;
        this.pageGroupAbove = pageGroupAbove;
    }

    public Duration hold() {
        return hold;
    }

    /**
     * Records that this alert of a group goes to the sink and target (Slack, email). Returns the id of
     * a new delivery of the group, or 0 when a delivery of the group not yet claimed will carry this
     * change too.
     */
    long join(Connection c, String sink, String target, Alert alert, long eventId) throws SQLException {
        return joinAll(c, sink, target, List.of(new Member(alert, eventId)));
    }

    /** An alert of a group and the event it changed with. */
    record Member(Alert alert, long eventId) {
    }

    /**
     * {@link #join} for several alerts of one group (sink, target): the group's lock once, the members
     * in one round trip. Returns the id of a new delivery of the group, or 0.
     */
    long joinAll(Connection c, String sink, String target, List<Member> members) throws SQLException {
        Member first = members.get(0);
        long group = lockGroup(c, sink, target, first.alert());
        Instant now = clock.instant();
        try (PreparedStatement ps = c.prepareStatement(db.dialect().upsertMember())) {
            for (Member m : members) {
                Database.bind(ps, group, m.alert().fingerprint(), m.alert().status().wire(), m.eventId(), null, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        if (pendingDelivery(c, group)) {
            return 0;
        }
        return insertDelivery(c, group, sink, target, first.alert(), first.eventId(), null, now);
    }

    private static boolean pendingDelivery(Connection c, long group) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM deliveries WHERE group_id = ? AND state = 'PENDING' ORDER BY id")) {
            ps.setLong(1, group);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * True while the group's delivery should wait: alerts of its group that were received are not
     * yet routed (the rest of the batch that arrived together, or a change that came in right after
     * it), and the delivery is younger than the hold. The message then says everything at once.
     */
    boolean settling(Connection c, long deliveryId) throws SQLException {
        Instant created;
        String hash;
        long ownEvent;
        try (PreparedStatement ps = c.prepareStatement("SELECT d.created_at, d.event_id, g.group_hash FROM deliveries d"
                + " JOIN alert_groups g ON g.id = d.group_id WHERE d.id = ?")) {
            ps.setLong(1, deliveryId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                created = Database.instant(rs, "created_at");
                hash = rs.getString("group_hash");
                ownEvent = rs.getLong("event_id");
            }
        }
        if (!created.plus(hold).isAfter(clock.instant())) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM alert_events WHERE group_hash = ?"
                + " AND state IN ('PENDING', 'ROUTING') AND id <> ?")) {
            Database.bind(ps, hash, ownEvent);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** How long a settling delivery waits before it looks again. */
    Duration settleStep() {
        return hold.compareTo(SETTLE_STEP) < 0 ? hold : SETTLE_STEP;
    }

    /**
     * PagerDuty: records the member and returns the delivery that pages it: the group's incident
     * (trigger once the group has more than {@code group-above} firing critical alerts, resolve when
     * none of those it paged fires any more), 0 when the group's open incident already covers it, or
     * -1 when it is paged alone as before.
     */
    long page(Connection c, String target, Alert alert, long eventId) throws SQLException {
        long group = lockGroup(c, "pagerduty", target, alert);
        boolean open;
        try (PreparedStatement ps = c.prepareStatement("SELECT incident_open FROM alert_groups WHERE id = ?")) {
            ps.setLong(1, group);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                open = rs.getBoolean(1);
            }
        }
        String pagedBefore = paged(c, group, alert.fingerprint());
        Instant now = clock.instant();
        if (alert.isFiring()) {
            if (!open && firingCritical(c, alert.groupHash()) <= pageGroupAbove) {
                putMember(c, group, alert, eventId, "alert");
                return -1;
            }
            putMember(c, group, alert, eventId, "group");
            if (open) {
                return 0;
            }
            setOpen(c, group, true);
            return insertDelivery(c, group, "pagerduty", target, alert, eventId, "trigger", now);
        }
        putMember(c, group, alert, eventId, pagedBefore);
        if (!"group".equals(pagedBefore)) {
            return -1;
        }
        if (!open || stillFiring(c, group)) {
            return 0;
        }
        setOpen(c, group, false);
        return insertDelivery(c, group, "pagerduty", target, alert, eventId, "resolve", now);
    }

    /** Locks the group's row (creating it), so its members and deliveries change one writer at a time. */
    private long lockGroup(Connection c, String sink, String target, Alert alert) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(db.dialect().insertGroup())) {
            Database.bind(ps, sink, target, alert.groupHash(), alert.group(), clock.instant());
            ps.executeUpdate();
        } catch (SQLException e) {
            // H2's MERGE lets two first members of a group race to insert it: the other one did, use that
            // (PostgreSQL's ON CONFLICT DO NOTHING never gets here, so its transaction is never aborted)
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM alert_groups WHERE sink = ? AND target = ? AND group_hash = ? FOR UPDATE")) {
            Database.bind(ps, sink, target, alert.groupHash());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void lock(Connection c, long group) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM alert_groups WHERE id = ? FOR UPDATE")) {
            ps.setLong(1, group);
            ps.executeQuery().close();
        }
    }

    private void putMember(Connection c, long group, Alert alert, long eventId, String paged) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(db.dialect().upsertMember())) {
            Database.bind(ps, group, alert.fingerprint(), alert.status().wire(), eventId, paged, clock.instant());
            ps.executeUpdate();
        }
    }

    private static String paged(Connection c, long group, String fingerprint) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT paged FROM group_members WHERE group_id = ? AND fingerprint = ?")) {
            Database.bind(ps, group, fingerprint);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The group's firing critical alerts as received: a whole Alertmanager group is stored in one commit. */
    private static long firingCritical(Connection c, String groupHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM alerts WHERE group_hash = ?"
                + " AND status = 'firing' AND severity = 'critical'")) {
            ps.setString(1, groupHash);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static boolean stillFiring(Connection c, long group) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM group_members WHERE group_id = ?"
                + " AND paged = 'group' AND status = 'firing'")) {
            ps.setLong(1, group);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void setOpen(Connection c, long group, boolean open) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE alert_groups SET incident_open = ? WHERE id = ?")) {
            Database.bind(ps, open, group);
            ps.executeUpdate();
        }
    }

    private long insertDelivery(Connection c, long group, String sink, String target, Alert alert, long eventId,
                                String action, Instant due) throws SQLException {
        // an event routed again (its routing was interrupted) finds the delivery it made the first time
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM deliveries WHERE event_id = ? AND sink = ? AND target = ?")) {
            Database.bind(ps, eventId, sink, target);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO deliveries (event_id, fingerprint, sink, target,"
                + " state, created_at, due_at, group_id, group_action) VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            Database.bind(ps, eventId, "group:" + alert.groupHash(), sink, target, clock.instant(), due, group, action);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /**
     * The group as its claimed delivery sends it, read under the group's lock: Slack and email list
     * its members (their events' content); a PagerDuty incident lists the group's firing critical alerts
     * as stored (a whole Alertmanager group is stored in one commit, before any of it is routed).
     */
    Snapshot snapshot(Connection c, long delivery, long group, String action) throws SQLException {
        lock(c, group);
        if (action == null) {
            // this message shows the group as it is now, so it carries the changes of the group's later
            // deliveries still waiting (made while an earlier send of it was failing): they are done
            try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET state = 'SENT', sent_at = ?"
                    + " WHERE group_id = ? AND id > ? AND state = 'PENDING' AND group_action IS NULL")) {
                Database.bind(ps, clock.instant(), group, delivery);
                ps.executeUpdate();
            }
        }
        String sink;
        String target;
        String key;
        String hash;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT sink, target, group_key, group_hash FROM alert_groups WHERE id = ?")) {
            ps.setLong(1, group);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                sink = rs.getString(1);
                target = rs.getString(2);
                key = rs.getString(3);
                hash = rs.getString(4);
            }
        }
        String sql = "pagerduty".equals(sink)
                ? "SELECT body FROM alerts WHERE group_hash = ? AND status = 'firing' AND severity = 'critical'"
                        + " ORDER BY starts_at, fingerprint"
                : "SELECT e.body FROM group_members m JOIN alert_events e ON e.id = m.event_id WHERE m.group_id = ?"
                        + " ORDER BY m.changed_at DESC, m.fingerprint";
        List<Alert> members = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if ("pagerduty".equals(sink)) {
                ps.setString(1, hash);
            } else {
                ps.setLong(1, group);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    members.add(Json.read(rs.getString(1), Alert.class));
                }
            }
        }
        return new Snapshot(group, sink, target, key, hash, action, List.copyOf(members));
    }

    /** Whether there is a group with this id. */
    public boolean exists(long groupId) {
        return db.queryLong("SELECT COUNT(*) FROM alert_groups WHERE id = ?", groupId) > 0;
    }

    /** The fingerprints of a group's firing members (what acknowledging {@code group:<id>} covers). */
    public List<String> firingIn(long groupId) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint FROM group_members WHERE group_id = ?"
                    + " AND status = 'firing' ORDER BY fingerprint")) {
                ps.setLong(1, groupId);
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }
}
