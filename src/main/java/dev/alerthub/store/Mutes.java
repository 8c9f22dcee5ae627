package dev.alerthub.store;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Which firings a silence or an inhibition muted (table alert_mutes), so that they can be told
 * after all when the silence ends, the recurring silence's window closes, or the inhibiting source
 * alert resolves. Alertmanager re-sends a still-firing alert unchanged, and an unchanged re-send is no new
 * event to the hub: without this record an alert muted by a silence that ends is never notified.
 * Whether anyone heard an occurrence's firing is read from its outbox event: routed (DONE) or muted
 * (SILENCED). A muted event is routed after all by putting it back to PENDING, a compare-and-set
 * that only one replica wins.
 */
final class Mutes {
    /** What became of the firing of a resolved alert's occurrence. */
    enum Heard { YES, MUTED, UNKNOWN }

    record Firing(Heard heard, String silenceId) {
    }

    /** What mutes a firing: a silence (its id), or an inhibition rule and the source alert's fingerprint. */
    record By(String silenceId, String rule, String source) {
        static By silence(String id) {
            return new By(id, null, null);
        }

        static By inhibition(String rule, String sourceFingerprint) {
            return new By(null, rule, sourceFingerprint);
        }

        boolean isSilence() {
            return silenceId != null;
        }

        /** For logs and the silencedBy / inhibitedBy headers. */
        String describe() {
            return isSilence() ? silenceId : rule + "/" + source;
        }
    }

    /** A muted firing event whose silence is no longer active. */
    record Muted(long eventId, String fingerprint, Instant startsAt) {
    }

    private final Database db;
    private final Clock clock;

    Mutes(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** The firing event {@code eventId} of this alert is muted by this silence or inhibition. */
    void record(long eventId, Alert alert, By by) {
        Instant now = clock.instant();
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE alert_mutes SET silence_id = ?, inhibit_rule = ?,"
                    + " inhibit_source = ?, muted_at = ? WHERE event_id = ?")) {
                Database.bind(ps, by.silenceId(), by.rule(), by.source(), now, eventId);
                if (ps.executeUpdate() > 0) {
                    return null;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO alert_mutes (event_id, fingerprint, starts_at, silence_id, inhibit_rule, inhibit_source,
                                             muted_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
                Database.bind(ps, eventId, alert.fingerprint(), alert.startsAt(), by.silenceId(), by.rule(),
                        by.source(), now);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Whether anyone heard of what this resolve (event {@code eventId}) ends: the firings of its
     * fingerprint since the last resolve that was routed. One routed firing means an open incident
     * (PagerDuty's dedup_key is the fingerprint), even if Alertmanager sends the resolve with a new
     * startsAt; only muted ones mean nobody heard; none at all, that the hub does not know.
     */
    Firing firingOf(Alert alert, long eventId) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT e.state, COALESCE(m.silence_id, m.inhibit_rule || '/' || m.inhibit_source) FROM alert_events e LEFT JOIN alert_mutes m ON m.event_id = e.id
                    WHERE e.fingerprint = ? AND e.status = 'firing' AND e.id < ?
                      AND e.id > COALESCE((SELECT MAX(r.id) FROM alert_events r WHERE r.fingerprint = ?
                                           AND r.status = 'resolved' AND r.state = 'DONE' AND r.id < ?), 0)
                    ORDER BY e.id DESC""")) {
                Database.bind(ps, alert.fingerprint(), eventId, alert.fingerprint(), eventId);
                String mutedBy = null;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if ("DONE".equals(rs.getString(1))) {
                            return new Firing(Heard.YES, null);
                        }
                        if ("SILENCED".equals(rs.getString(1)) && mutedBy == null) {
                            mutedBy = rs.getString(2) != null ? rs.getString(2) : "a silence that has ended";
                        }
                    }
                }
                return mutedBy != null ? new Firing(Heard.MUTED, mutedBy) : new Firing(Heard.UNKNOWN, null);
            }
        });
    }

    /**
     * Muted firings whose reason is gone: a silence not among {@code mutingSilences} (expired,
     * deleted, purged, or a recurring one whose window closed), an inhibition whose source alert no
     * longer fires or whose rule is not among {@code rules} any more.
     */
    List<Muted> whoseMuteEnded(Collection<String> mutingSilences, Collection<String> rules) {
        List<Object> params = new ArrayList<>(mutingSilences);
        params.addAll(rules);
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT m.event_id, m.fingerprint, m.starts_at FROM alert_mutes m
                    WHERE (m.silence_id IS NOT NULL AND m.silence_id NOT IN (%s))
                       OR (m.inhibit_rule IS NOT NULL AND (m.inhibit_rule NOT IN (%s)
                           OR NOT EXISTS (SELECT 1 FROM alerts a WHERE a.fingerprint = m.inhibit_source
                                          AND a.status = 'firing')))
                    ORDER BY m.event_id LIMIT 500""".formatted(placeholders(mutingSilences.size()),
                    placeholders(rules.size())))) {
                Database.bind(ps, params.toArray());
                List<Muted> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Muted(rs.getLong(1), rs.getString(2), Database.instant(rs, "starts_at")));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Decides one muted firing whose silence ended, holding the alert's row so that a resolve
     * being stored meanwhile is either seen here or comes after the re-queued firing. Returns the
     * event id when it is to be routed now; null when the occurrence is over (nobody heard it, so
     * nobody hears its end), another active silence mutes it, or it is still being routed.
     */
    Long release(Muted m, Function<Alert, By> stillMuted) {
        return db.inTransaction(c -> {
            Alert current = lockCurrent(c, m.fingerprint());
            if (current == null || !current.isFiring() || !Database.ts(current.startsAt()).equals(Database.ts(m.startsAt()))) {
                forget(c, m.eventId());
                return null;
            }
            By other = stillMuted.apply(current);
            if (other != null) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE alert_mutes SET silence_id = ?, inhibit_rule = ?, inhibit_source = ? WHERE event_id = ?")) {
                    Database.bind(ps, other.silenceId(), other.rule(), other.source(), m.eventId());
                    ps.executeUpdate();
                }
                return null;
            }
            // the alert as it is now (Alertmanager's re-sends may have new annotations), routed as if just fired
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE alert_events SET state = 'PENDING', claimed_until = NULL, attempts = 0, body = ?
                    WHERE id = ? AND state = 'SILENCED'""")) {
                Database.bind(ps, Json.write(current), m.eventId());
                if (ps.executeUpdate() == 1) {
                    forget(c, m.eventId());
                    return m.eventId();
                }
            }
            if (!isBeingRouted(c, m.eventId())) {
                forget(c, m.eventId());
            }
            return null;
        });
    }

    /** "?, ?, ?" for an IN list; a list never empty (NOT IN () is not SQL), an id no row has when there are none. */
    private static String placeholders(int n) {
        return n == 0 ? "''" : String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private static Alert lockCurrent(Connection c, String fingerprint) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT body FROM alerts WHERE fingerprint = ? FOR UPDATE")) {
            ps.setString(1, fingerprint);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Json.read(rs.getString(1), Alert.class) : null;
            }
        }
    }

    private static boolean isBeingRouted(Connection c, long eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM alert_events WHERE id = ? AND state IN ('PENDING', 'ROUTING')")) {
            ps.setLong(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void forget(Connection c, long eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM alert_mutes WHERE event_id = ?")) {
            ps.setLong(1, eventId);
            ps.executeUpdate();
        }
    }
}
