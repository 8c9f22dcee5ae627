package dev.alerthub.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the store from growing for ever: what is finished and older than the retention goes.
 * Nothing pending, no firing alert and no dead letter that was not replayed is ever removed; an
 * alert event the router failed on (FAILED) stays with its dead letter until that is replayed.
 */
public class Housekeeping {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

    private final Database db;
    private final Clock clock;
    private final Duration retention;
    private final Duration historyRetention;

    public Housekeeping(Database db, Clock clock, Duration retention) {
        this(db, clock, retention, Duration.ofDays(7));
    }

    /** @param historyRetention how long notification attempts are kept (alerthub.history.retention) */
    public Housekeeping(Database db, Clock clock, Duration retention, Duration historyRetention) {
        this.db = db;
        this.clock = clock;
        this.retention = retention;
        this.historyRetention = historyRetention;
    }

    /** Deletes finished history older than the retention; returns rows removed per table. */
    public Map<String, Integer> purge() {
        Instant before = clock.instant().minus(retention);
        Map<String, Integer> removed = db.inTransaction(c -> {
            Map<String, Integer> n = new LinkedHashMap<>();
            n.put("dead_letters", update(c, "DELETE FROM dead_letters WHERE replayed_at IS NOT NULL AND replayed_at < ?",
                    before));
            n.put("deliveries", update(c, """
                    DELETE FROM deliveries WHERE state = 'SENT' AND sent_at < ?
                      AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.delivery_id = deliveries.id)""", before));
            // a group forgets alerts resolved before the retention, and is gone with its last member and delivery
            n.put("group_members", update(c, "DELETE FROM group_members WHERE status = 'resolved' AND changed_at < ?",
                    before));
            n.put("alert_groups", update(c, """
                    DELETE FROM alert_groups WHERE created_at < ?
                      AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = alert_groups.id)
                      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.group_id = alert_groups.id)""", before));
            n.put("alert_events", update(c, """
                    DELETE FROM alert_events WHERE state IN ('DONE', 'SILENCED') AND created_at < ?
                      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = alert_events.id)
                      AND NOT EXISTS (SELECT 1 FROM alert_mutes m WHERE m.event_id = alert_events.id)
                      AND NOT EXISTS (SELECT 1 FROM group_members g WHERE g.event_id = alert_events.id)
                      AND NOT EXISTS (SELECT 1 FROM dead_letters l WHERE l.event_id = alert_events.id)""", before));
            n.put("alerts", update(c, "DELETE FROM alerts WHERE status = 'resolved' AND updated_at < ?", before));
            n.put("silences", update(c, "DELETE FROM silences WHERE ends_at < ?", before));
            n.put("alert_lifecycle", AlertLifecycle.purge(c, before));
            n.put("notification_attempts", NotificationHistory.purge(c, clock.instant().minus(historyRetention)));
            // a Slack message nobody edited for the retention is not edited again: a later change posts anew
            n.put("slack_messages", update(c, "DELETE FROM slack_messages WHERE updated_at < ?", before));
            return n;
        });
        if (removed.values().stream().mapToInt(Integer::intValue).sum() > 0) {
            LOG.info("Store housekeeping removed history older than {}: {}", retention, removed);
        }
        return removed;
    }

    private static int update(java.sql.Connection c, String sql, Instant before) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Database.bind(ps, before);
            return ps.executeUpdate();
        }
    }
}
