package dev.alerthub.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Where each Slack message key (an alert's fingerprint or a group's key) was posted, per target: the
 * channel and {@code ts} Slack answered {@code chat.postMessage} with. Kept in the store, so that a
 * restarted hub still edits the same message instead of posting a copy.
 */
public class SlackMessages {
    static final int MAX_KEY = 255;

    /** A posted message: {@code channel} is the id Slack answered with (chat.update needs it, not a name). */
    public record Posted(String channel, String ts) {
    }

    private final Database db;
    private final Clock clock;

    public SlackMessages(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public Optional<Posted> find(String target, String key) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT channel, ts FROM slack_messages WHERE target = ? AND thread_key = ?")) {
                Database.bind(ps, target, stored(key));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Posted(rs.getString(1), rs.getString(2))) : Optional.empty();
                }
            }
        });
    }

    /** This key's message is now {@code posted} (a new post replaces a message Slack no longer has). */
    public void save(String target, String key, Posted posted) {
        Instant now = clock.instant();
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE slack_messages SET channel = ?, ts = ?, posted_at = ?, updated_at = ?
                    WHERE target = ? AND thread_key = ?""")) {
                Database.bind(ps, posted.channel(), posted.ts(), now, now, target, stored(key));
                if (ps.executeUpdate() > 0) {
                    return null;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO slack_messages (target, thread_key, channel, ts, posted_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?)""")) {
                Database.bind(ps, target, stored(key), posted.channel(), posted.ts(), now, now);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The key's message was edited (housekeeping keeps messages that are still being edited). */
    public void touched(String target, String key) {
        Instant now = clock.instant();
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE slack_messages SET updated_at = ? WHERE target = ? AND thread_key = ?")) {
                Database.bind(ps, now, target, stored(key));
                return ps.executeUpdate();
            }
        });
    }

    static String stored(String key) {
        if (key.length() <= MAX_KEY) {
            return key;
        }
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
