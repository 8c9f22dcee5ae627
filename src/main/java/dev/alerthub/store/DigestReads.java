package dev.alerthub.store;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the daily digest is computed from: the alert events, remediation decisions and dead letters
 * of a time window, and the alerts still firing. Plain reads; the figures are made in
 * {@code dev.alerthub.lifecycle.Digests}.
 */
public class DigestReads {
    /** A window's events are read up to this many; a storm beyond it is reported as cut. */
    public static final int MAX_EVENTS = 100_000;

    private final Database db;

    public DigestReads(Database db) {
        this.db = db;
    }

    /** An alert event (a firing or a resolve the hub recorded) with the alert as it was then. */
    public record Event(Alert alert, Instant recordedAt) {
    }

    /** Remediation decisions of one action and outcome ({@code null} outcome: not decided yet). */
    public record ActionCount(String action, String outcome, long count) {
    }

    public record DeadLetterCount(String sink, long count) {
    }

    /** Everything of [from, to) the digest needs; {@code firing} is the state at read time. */
    public record Window(Instant from, Instant to, List<Event> events, boolean eventsCut, List<ActionCount> actions,
                         List<DeadLetterCount> deadLetters, long deadLettersOpen, List<Alert> firing) {
    }

    public Window read(Instant from, Instant to) {
        return db.run(c -> {
            List<Event> events = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT body, created_at FROM alert_events"
                    + " WHERE created_at >= ? AND created_at < ? ORDER BY id LIMIT " + (MAX_EVENTS + 1))) {
                Database.bind(ps, from, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(new Event(Json.read(rs.getString(1), Alert.class), Database.instant(rs, "created_at")));
                    }
                }
            }
            boolean cut = events.size() > MAX_EVENTS;
            List<ActionCount> actions = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT action, outcome, COUNT(*) FROM remediation_actions"
                    + " WHERE requested_at >= ? AND requested_at < ? GROUP BY action, outcome ORDER BY action, outcome")) {
                Database.bind(ps, from, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        actions.add(new ActionCount(rs.getString(1), rs.getString(2), rs.getLong(3)));
                    }
                }
            }
            List<DeadLetterCount> dead = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT sink, COUNT(*) FROM dead_letters"
                    + " WHERE created_at >= ? AND created_at < ? GROUP BY sink ORDER BY sink")) {
                Database.bind(ps, from, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        dead.add(new DeadLetterCount(rs.getString(1), rs.getLong(2)));
                    }
                }
            }
            List<Alert> firing = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT body FROM alerts WHERE status = 'firing' ORDER BY starts_at, fingerprint");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    firing.add(Json.read(rs.getString(1), Alert.class));
                }
            }
            long open;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM dead_letters WHERE replayed_at IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                open = rs.getLong(1);
            }
            return new Window(from, to, cut ? events.subList(0, MAX_EVENTS) : events, cut, actions, dead, open, firing);
        });
    }
}
