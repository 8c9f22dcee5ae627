package dev.alerthub.ops;

import dev.alerthub.store.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

/**
 * What is waiting in the store, read at scrape time (at most once a second, however many gauges
 * ask): the age of the oldest unfinished alert event or delivery, and pending deliveries per sink.
 * A stopped sink route or a sink that keeps failing shows up here as a growing number.
 */
public final class OutboxStats {
    record Snapshot(Instant at, double oldestAgeSeconds, Map<String, Long> pendingBySink) {
    }

    private final Database db;
    private final Clock clock;
    private volatile Snapshot last;

    public OutboxStats(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public double oldestAgeSeconds() {
        return snapshot().oldestAgeSeconds();
    }

    public long pending(String sink) {
        return snapshot().pendingBySink().getOrDefault(sink, 0L);
    }

    private Snapshot snapshot() {
        Snapshot s = last;
        Instant now = clock.instant();
        if (s == null || s.at().plusSeconds(1).isBefore(now)) {
            s = read(now);
            last = s;
        }
        return s;
    }

    private Snapshot read(Instant now) {
        return db.run(c -> {
            Instant oldest = null;
            for (String sql : new String[] {
                    "SELECT MIN(created_at) FROM alert_events WHERE state IN ('PENDING', 'ROUTING')",
                    "SELECT MIN(created_at) FROM deliveries WHERE state IN ('PENDING', 'SENDING')"}) {
                try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    OffsetDateTime t = rs.getObject(1, OffsetDateTime.class);
                    if (t != null && (oldest == null || t.toInstant().isBefore(oldest))) {
                        oldest = t.toInstant();
                    }
                }
            }
            Map<String, Long> pending = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT sink, COUNT(*) FROM deliveries WHERE state IN ('PENDING', 'SENDING') GROUP BY sink");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pending.put(rs.getString(1), rs.getLong(2));
                }
            }
            double age = oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0);
            return new Snapshot(now, age, pending);
        });
    }
}
