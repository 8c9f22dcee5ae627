package dev.alerthub.store;

import dev.alerthub.metrics.Metrics;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.alert.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Durable intake of alerts. {@link #accept} returns only after the alerts and their outbox events are
 * committed. Unchanged re-sends (Alertmanager repeats every group each group_interval) are answered
 * from an in-memory view of what is stored; changed alerts from concurrent callers are written by one
 * writer thread in one transaction per batch (group commit).
 */
public class AlertStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertStore.class);
    private static final int MAX_REQUESTS_PER_BATCH = 256;

    /** How many alerts a request carried, and the outbox events it created (to hand to the router). */
    public record Accepted(int accepted, List<Long> newEvents) {
    }

    private record Write(List<Alert> alerts, CompletableFuture<List<Long>> done) {
    }

    private final Database db;
    private final Metrics metrics;
    private final Clock clock;
    private final long timeoutMillis;
    private final Map<String, String> stored = new ConcurrentHashMap<>();
    private final BlockingQueue<Write> pending = new LinkedBlockingQueue<>(10_000);
    private final Thread writer;
    private volatile boolean running = true;

    public AlertStore(Database db, Clock clock, long timeoutMillis, Metrics metrics) {
        this.db = db;
        this.metrics = metrics;
        this.clock = clock;
        this.timeoutMillis = timeoutMillis;
        loadView();
        this.writer = new Thread(this::writeLoop, "alerthub-store-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Stores what changed; returns after commit. Throws {@link StoreUnavailableException} otherwise. */
    public Accepted accept(List<Alert> alerts) {
        List<Alert> changed = new ArrayList<>();
        for (Alert a : alerts) {
            metrics.count("alerthub.alerts.received", "source", sourceKind(a.source()), "severity", a.severity().wire(),
                    "status", a.status().wire());
            if (!stateKey(a).equals(stored.get(a.fingerprint()))) {
                changed.add(a);
            }
        }
        if (changed.isEmpty()) {
            return new Accepted(alerts.size(), List.of());
        }
        Write w = new Write(changed, new CompletableFuture<>());
        try {
            if (!pending.offer(w, timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new StoreUnavailableException("state store: writer queue is full", null);
            }
            return new Accepted(alerts.size(), w.done().get(timeoutMillis, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("state store: interrupted", e);
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("state store: no commit within " + timeoutMillis + " ms", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreUnavailableException s) {
                throw s;
            }
            throw new StoreUnavailableException("state store: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Rows for the read API: the alert plus when it was last notified. */
    public List<Map<String, Object>> listForApi(AlertStatus status) {
        String sql = "SELECT body, last_notified_at FROM alerts" + (status == null ? "" : " WHERE status = ?")
                + " ORDER BY starts_at DESC, fingerprint";
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (status != null) {
                    ps.setString(1, status.wire());
                }
                List<Map<String, Object>> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Alert a = Json.read(rs.getString(1), Alert.class);
                        Map<String, Object> row = new java.util.LinkedHashMap<>();
                        row.put("fingerprint", a.fingerprint());
                        row.put("status", a.status().wire());
                        row.put("severity", a.severity().wire());
                        row.put("alertname", a.alertname());
                        row.put("labels", a.labels());
                        row.put("annotations", a.annotations());
                        row.put("startsAt", a.startsAt());
                        row.put("endsAt", a.endsAt());
                        row.put("generatorURL", a.generatorURL());
                        row.put("source", a.source());
                        row.put("lastNotifiedAt", Database.instant(rs, "last_notified_at"));
                        out.add(row);
                    }
                }
                return out;
            }
        });
    }

    /** The stored alert with this fingerprint, or null. */
    public Alert find(String fingerprint) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT body FROM alerts WHERE fingerprint = ?")) {
                ps.setString(1, fingerprint);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Json.read(rs.getString(1), Alert.class) : null;
                }
            }
        });
    }

    private void writeLoop() {
        while (running) {
            Write first;
            try {
                first = pending.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                continue;
            }
            List<Write> batch = new ArrayList<>();
            batch.add(first);
            pending.drainTo(batch, MAX_REQUESTS_PER_BATCH - 1);
            try {
                long t0 = System.nanoTime();
                List<List<Long>> ids = db.inTransaction(c -> writeBatch(c, batch));
                if (LOG.isDebugEnabled()) {
                    LOG.debug("Committed {} request(s) in {} us", batch.size(), (System.nanoTime() - t0) / 1000);
                }
                for (int i = 0; i < batch.size(); i++) {
                    for (Alert a : batch.get(i).alerts()) {
                        stored.put(a.fingerprint(), stateKey(a));
                    }
                    batch.get(i).done().complete(ids.get(i));
                }
            } catch (RuntimeException e) {
                LOG.warn("State store write failed for {} request(s); callers get 503: {}", batch.size(), e.getMessage());
                batch.forEach(w -> w.done().completeExceptionally(e));
            }
        }
    }

    /** One alert transition: the store's dedup key. */
    private record EventKey(String fingerprint, String status, Instant startsAt) {
        static EventKey of(Alert a) {
            return new EventKey(a.fingerprint(), a.status().wire(), a.startsAt().truncatedTo(ChronoUnit.MICROS));
        }
    }

    /** An alert of the batch, serialised once. */
    record Row(Alert alert, String body) {
    }

    /**
     * Writes a batch of requests as few statements: the last state of each alert once, each
     * transition once (Alertmanager HA and concurrent groups repeat alerts within a batch).
     */
    private List<List<Long>> writeBatch(Connection c, List<Write> batch) throws SQLException {
        Instant now = clock.instant();
        Map<String, Row> latest = new LinkedHashMap<>();
        Map<EventKey, Row> transitions = new LinkedHashMap<>();
        for (Write w : batch) {
            for (Alert a : w.alerts()) {
                Row row = new Row(a, Json.write(a));
                Row before = latest.get(a.fingerprint());
                // as in the store: a late firing re-send never reopens the same occurrence's resolution
                boolean stale = before != null && !before.alert().isFiring() && a.isFiring()
                        && before.alert().startsAt().equals(a.startsAt());
                if (!stale) {
                    latest.remove(a.fingerprint());
                    latest.put(a.fingerprint(), row);
                }
                transitions.putIfAbsent(EventKey.of(a), row);
            }
        }
        Dialect dialect = db.dialect();
        dialect.upsertAlerts(c, List.copyOf(latest.values()), now);
        Map<EventKey, Long> created = new HashMap<>();
        for (Map.Entry<Row, Long> e : dialect.insertEvents(c, List.copyOf(transitions.values()), now).entrySet()) {
            created.put(EventKey.of(e.getKey().alert()), e.getValue());
        }
        List<List<Long>> out = new ArrayList<>(batch.size());
        Set<EventKey> handedOut = new HashSet<>();
        for (Write w : batch) {
            List<Long> ids = new ArrayList<>();
            for (Alert a : w.alerts()) {
                EventKey k = EventKey.of(a);
                Long id = created.get(k);
                if (id != null && handedOut.add(k)) {
                    ids.add(id);
                }
            }
            out.add(ids);
        }
        return out;
    }

    private void loadView() {
        db.run(c -> {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT body FROM alerts")) {
                while (rs.next()) {
                    Alert a = Json.read(rs.getString(1), Alert.class);
                    stored.put(a.fingerprint(), stateKey(a));
                }
            }
            return null;
        });
        LOG.info("State store holds {} alert(s)", stored.size());
    }

    /** {@code probe:<id>} counts as {@code probe}: one series per source kind, not per probe. */
    private static String sourceKind(String source) {
        int colon = source.indexOf(':');
        return colon < 0 ? source : source.substring(0, colon);
    }

    /** What makes a re-send "unchanged": same status, same occurrence, same text. */
    private static String stateKey(Alert a) {
        return a.status().wire() + '|' + a.startsAt() + '|' + a.endsAt() + '|'
                + Objects.hash(a.annotations(), a.generatorURL());
    }

    /** Forgets the in-memory view (tests and operators clearing the store underneath a running hub). */
    public void forgetView() {
        stored.clear();
    }

    @Override
    public void close() {
        running = false;
        writer.interrupt();
    }
}
