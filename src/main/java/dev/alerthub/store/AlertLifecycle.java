package dev.alerthub.store;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened to an alert occurrence (fingerprint + startsAt) after it was notified: who
 * acknowledged it, whether it was escalated and when it was last reminded. Keyed by occurrence, so
 * a new firing after a resolve starts clean. The sweep's changes are compare-and-set, so on several
 * replicas (or a leader change mid-sweep) each escalation and reminder is queued once.
 */
public class AlertLifecycle {
    private final Database db;
    private final Clock clock;

    public AlertLifecycle(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * An acknowledgement as stored, with where the alert was told, so the caller can tell those
     * places: PagerDuty targets it was paged on (and the escalation's target when it was escalated),
     * Slack targets it was posted to. {@code already}: it was acknowledged before (by {@code by}).
     */
    public record Acknowledged(Alert alert, String by, String comment, Instant at, boolean already,
                               List<String> pagedTargets, boolean escalated, List<String> slackTargets) {
    }

    /**
     * Acknowledges the firing occurrence of this fingerprint. NotFoundException when the hub has no
     * such alert, ConflictException when it is not firing.
     */
    public Acknowledged acknowledge(String fingerprint, String by, String comment) {
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            Alert alert = current(c, fingerprint);
            if (alert == null) {
                throw new NotFoundException("alert " + fingerprint + " does not exist");
            }
            if (!alert.isFiring()) {
                throw new ConflictException("alert " + fingerprint + " is not firing (" + alert.status().wire()
                        + "): there is nothing to acknowledge");
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT acknowledged_by, acknowledged_at, ack_comment"
                    + " FROM alert_lifecycle WHERE fingerprint = ? AND starts_at = ?")) {
                Database.bind(ps, fingerprint, alert.startsAt());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getString(1) != null) {
                        return new Acknowledged(alert, rs.getString(1), rs.getString(3),
                                Database.instant(rs, "acknowledged_at"), true, List.of(), false, List.of());
                    }
                }
            }
            if (update(c, "UPDATE alert_lifecycle SET acknowledged_by = ?, acknowledged_at = ?, ack_comment = ?,"
                    + " updated_at = ? WHERE fingerprint = ? AND starts_at = ?", by, now, comment, now, fingerprint,
                    alert.startsAt()) == 0) {
                update(c, "INSERT INTO alert_lifecycle (fingerprint, starts_at, acknowledged_by, acknowledged_at,"
                        + " ack_comment, updated_at) VALUES (?, ?, ?, ?, ?, ?)", fingerprint, alert.startsAt(), by, now,
                        comment, now);
            }
            boolean escalated;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM alert_lifecycle WHERE fingerprint = ?"
                    + " AND starts_at = ? AND escalated_at IS NOT NULL AND escalation_closed_at IS NULL")) {
                Database.bind(ps, fingerprint, alert.startsAt());
                try (ResultSet rs = ps.executeQuery()) {
                    escalated = rs.next();
                }
            }
            return new Acknowledged(alert, by, comment, now, false, notifiedTargets(c, alert, "'pagerduty'"),
                    escalated, notifiedTargets(c, alert, "'slack'"));
        });
    }

    /** Who acknowledged this occurrence, or null. */
    public String acknowledgedBy(Alert alert) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT acknowledged_by FROM alert_lifecycle"
                    + " WHERE fingerprint = ? AND starts_at = ?")) {
                Database.bind(ps, alert.fingerprint(), alert.startsAt());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    /**
     * Firing warnings that started, and reached the hub, at or before {@code startedBy}, not
     * acknowledged and not yet escalated: the escalation's candidates (silences and inhibition are
     * checked by the sweep route). The delay counts from when the hub received the firing too: a
     * warning that started hours before the hub heard of it (a first install, an Alertmanager that
     * was down) gets the whole delay for someone to acknowledge it, not a page at the next sweep.
     */
    public List<Alert> toEscalate(Instant startedBy, int limit) {
        return alerts("""
                SELECT a.body FROM alerts a
                LEFT JOIN alert_lifecycle l ON l.fingerprint = a.fingerprint AND l.starts_at = a.starts_at
                WHERE a.status = 'firing' AND a.severity = 'warning' AND a.starts_at <= ?
                  AND (l.fingerprint IS NULL OR (l.acknowledged_at IS NULL AND l.escalated_at IS NULL))
                  AND NOT EXISTS (SELECT 1 FROM alert_events e WHERE e.fingerprint = a.fingerprint
                       AND e.status = 'firing' AND e.starts_at = a.starts_at AND e.created_at > ?)
                ORDER BY a.starts_at LIMIT ?""", startedBy, startedBy, limit);
    }

    /** Marks the occurrence escalated; false when it already was (another replica, an ack in between). */
    public boolean markEscalated(Alert alert) {
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            int n = update(c, "UPDATE alert_lifecycle SET escalated_at = ?, updated_at = ? WHERE fingerprint = ?"
                    + " AND starts_at = ? AND escalated_at IS NULL AND acknowledged_at IS NULL", now, now,
                    alert.fingerprint(), alert.startsAt());
            return n > 0 || insertIfAbsent(c, alert, "escalated_at", now);
        });
    }

    /** Escalations whose occurrence is over (resolved, or replaced by a new firing): their pages must close. */
    public List<Alert> escalationsToClose(int limit) {
        return db.run(c -> {
            List<Alert> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT l.fingerprint, l.starts_at, a.body FROM alert_lifecycle l
                    LEFT JOIN alerts a ON a.fingerprint = l.fingerprint
                    WHERE l.escalated_at IS NOT NULL AND l.escalation_closed_at IS NULL
                      AND (a.fingerprint IS NULL OR a.status <> 'firing' OR a.starts_at <> l.starts_at)
                    LIMIT ?""")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Alert now = rs.getString(3) == null ? null : Json.read(rs.getString(3), Alert.class);
                        Instant startsAt = Database.instant(rs, "starts_at");
                        out.add(now != null && now.startsAt().equals(startsAt) ? now
                                : new Alert(rs.getString(1), dev.alerthub.alert.AlertStatus.RESOLVED,
                                        now == null ? null : now.severity(), now == null ? null : now.alertname(),
                                        now == null ? null : now.labels(), null, startsAt, null, null,
                                        now == null ? null : now.source()));
                    }
                }
            }
            return out;
        });
    }

    /** Marks the escalation of this occurrence closed; false when it already was. */
    public boolean markEscalationClosed(Alert alert) {
        Instant now = clock.instant();
        return db.inTransaction(c -> update(c, "UPDATE alert_lifecycle SET escalation_closed_at = ?, updated_at = ?"
                + " WHERE fingerprint = ? AND starts_at = ? AND escalated_at IS NOT NULL AND escalation_closed_at IS NULL",
                now, now, alert.fingerprint(), alert.startsAt()) > 0);
    }

    /**
     * Firing alerts not acknowledged that were told on Slack/email, whose start, last reminder and
     * last Slack/email message are at least {@code interval} ago and that have no message on its way:
     * the reminders' candidates. Only alerts told in a message of their own (a group of one): a group message is
     * not reminded per member (that would be one reminder per alert of a storm). A firing first told late (a silence that ended, a hub that just
     * heard of an old alert) is reminded an interval after it was told, never before it was told.
     */
    public List<Alert> toRemind(Duration interval, int limit) {
        Instant before = clock.instant().minus(interval);
        return alerts("""
                SELECT a.body FROM alerts a
                LEFT JOIN alert_lifecycle l ON l.fingerprint = a.fingerprint AND l.starts_at = a.starts_at
                WHERE a.status = 'firing' AND a.starts_at <= ?
                  AND (l.fingerprint IS NULL OR (l.acknowledged_at IS NULL AND (l.reminded_at IS NULL OR l.reminded_at <= ?)))
                  AND EXISTS (
                       SELECT 1 FROM deliveries d JOIN alert_events e ON e.id = d.event_id
                       WHERE e.fingerprint = a.fingerprint AND e.status = 'firing' AND e.starts_at = a.starts_at
                         AND d.sink IN ('slack', 'email') AND d.state = 'SENT'
                         AND (d.group_id IS NULL OR (SELECT COUNT(*) FROM group_members m WHERE m.group_id = d.group_id) = 1))
                  AND NOT EXISTS (
                       SELECT 1 FROM deliveries d JOIN alert_events e ON e.id = d.event_id
                       WHERE e.fingerprint = a.fingerprint AND e.status = 'firing' AND e.starts_at = a.starts_at
                         AND d.sink IN ('slack', 'email') AND (d.state IN ('PENDING', 'SENDING') OR d.sent_at > ?))
                ORDER BY a.starts_at LIMIT ?""", before, before, before, limit);
    }

    /**
     * Marks the occurrence reminded now, unless it was reminded within {@code interval} or
     * acknowledged meanwhile; returns the Slack/email targets it was notified on (empty: nothing to
     * remind, or another replica did).
     */
    public List<Target> markReminded(Alert alert, Duration interval) {
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            int n = update(c, "UPDATE alert_lifecycle SET reminded_at = ?, updated_at = ? WHERE fingerprint = ?"
                    + " AND starts_at = ? AND acknowledged_at IS NULL AND (reminded_at IS NULL OR reminded_at <= ?)",
                    now, now, alert.fingerprint(), alert.startsAt(), now.minus(interval));
            if (n == 0 && !insertIfAbsent(c, alert, "reminded_at", now)) {
                return List.of();
            }
            List<Target> out = new ArrayList<>();
            // PagerDuty keeps its own incident open: reminders repeat on Slack and email only
            for (String sink : List.of("slack", "email")) {
                notifiedTargets(c, alert, "'" + sink + "'").forEach(t -> out.add(new Target(sink, t)));
            }
            return out;
        });
    }

    /** A sink and one of its targets (the router's name for it, "" for the default). */
    public record Target(String sink, String target) {
    }

    /** Rows of occurrences that are over, older than {@code before} (housekeeping). */
    static int purge(Connection c, Instant before) throws SQLException {
        return update(c, """
                DELETE FROM alert_lifecycle WHERE updated_at < ?
                  AND (escalated_at IS NULL OR escalation_closed_at IS NOT NULL)
                  AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.fingerprint = alert_lifecycle.fingerprint
                                  AND a.starts_at = alert_lifecycle.starts_at AND a.status = 'firing')""", before);
    }

    private boolean insertIfAbsent(Connection c, Alert alert, String column, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM alert_lifecycle WHERE fingerprint = ?"
                + " AND starts_at = ?")) {
            Database.bind(ps, alert.fingerprint(), alert.startsAt());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
        }
        update(c, "INSERT INTO alert_lifecycle (fingerprint, starts_at, " + column + ", updated_at) VALUES (?, ?, ?, ?)",
                alert.fingerprint(), alert.startsAt(), now, now);
        return true;
    }

    /** Targets of this sink the occurrence's firing was delivered to (or is still being delivered to). */
    private static List<String> notifiedTargets(Connection c, Alert alert, String sinks) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT d.target FROM deliveries d"
                + " JOIN alert_events e ON e.id = d.event_id WHERE e.fingerprint = ? AND e.status = 'firing'"
                + " AND e.starts_at = ? AND d.sink IN (" + sinks + ") AND d.state <> 'DEAD'"
                + " AND (d.group_id IS NULL OR (SELECT COUNT(*) FROM group_members m WHERE m.group_id = d.group_id) = 1)"
                + " ORDER BY d.target")) {
            Database.bind(ps, alert.fingerprint(), alert.startsAt());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private Alert current(Connection c, String fingerprint) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT body FROM alerts WHERE fingerprint = ?")) {
            ps.setString(1, fingerprint);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Json.read(rs.getString(1), Alert.class) : null;
            }
        }
    }

    private List<Alert> alerts(String sql, Object... params) {
        return db.run(c -> {
            List<Alert> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Database.bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(Json.read(rs.getString(1), Alert.class));
                    }
                }
            }
            return out;
        });
    }

    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Database.bind(ps, params);
            return ps.executeUpdate();
        }
    }
}
