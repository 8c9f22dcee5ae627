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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
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
    private static final long SWEEP_EVERY_MILLIS = 60_000;

    /**
     * How many alerts a request carried, the outbox events it created, and the events this request
     * hands to the router: those of every request committed with it when it is the first of its
     * commit, none otherwise. A storm's requests, committed together, so reach the router as a few
     * large batches instead of many small ones (each batch of a group takes the group's lock once).
     */
    public record Accepted(int accepted, List<Long> newEvents, List<Long> toRoute) {
        public Accepted(int accepted, List<Long> newEvents) {
            this(accepted, newEvents, newEvents);
        }

        /** The events to route, in batches for the router ({@link Outbox#claimBatch}): one message each. */
        public List<List<Long>> newEventBatches() {
            return Outbox.batches(toRoute);
        }
    }

    /** What the writer answers a request: its own new events, and what it hands to the router. */
    private record Stored(List<Long> own, List<Long> toRoute) {
    }

    /**
     * The in-memory view's bounds (alerthub.intake.view.*): at most {@code maxAlerts} fingerprints;
     * resolved ones forgotten after {@code resolvedFor}, any not re-sent for {@code idleFor}.
     */
    public record ViewSettings(int maxAlerts, Duration resolvedFor, Duration idleFor) {
        public static final ViewSettings DEFAULTS = new ViewSettings(100_000, Duration.ofMinutes(15),
                Duration.ofHours(6));
    }

    /**
     * What a request's alerts looked like when they were stored: enough to tell, without parsing the
     * request again, that a byte-identical re-send still matches the store (see {@link #resentUnchanged}).
     */
    public static final class Snapshot {
        private final String[] fingerprints;
        private final long[] states;
        private final String[][] receivedTags;

        private Snapshot(List<Alert> alerts) {
            int n = alerts.size();
            fingerprints = new String[n];
            states = new long[n];
            receivedTags = new String[n][];
            for (int i = 0; i < n; i++) {
                Alert a = alerts.get(i);
                fingerprints[i] = a.fingerprint();
                states[i] = AlertView.state(a);
                receivedTags[i] = receivedTags(a);
            }
        }

        public int alerts() {
            return fingerprints.length;
        }
    }

    /** The snapshot of alerts just accepted, for a cache of re-sent requests. */
    public Snapshot snapshot(List<Alert> alerts) {
        return new Snapshot(alerts);
    }

    /**
     * True when every alert of the snapshot is still stored exactly so (the intake's view says so): a
     * re-send of the same request then needs no write, and is counted as received as {@link #accept} would.
     * False when any of them changed or was forgotten since: the caller takes the full path.
     */
    public boolean resentUnchanged(Snapshot s) {
        long now = clock.millis();
        for (int i = 0; i < s.fingerprints.length; i++) {
            if (!view.unchanged(s.fingerprints[i], s.states[i], now)) {
                return false;
            }
        }
        for (String[] tags : s.receivedTags) {
            metrics.count("alerthub.alerts.received", tags);
        }
        return true;
    }

    private static String[] receivedTags(Alert a) {
        return new String[] {"source", sourceKind(a.source()), "severity", a.severity().wire(), "status",
                a.status().wire()};
    }

    private record Write(List<Alert> alerts, CompletableFuture<Stored> done) {
    }

    private final Database db;
    private final Metrics metrics;
    private final Clock clock;
    private final long timeoutMillis;
    private final AlertView view;
    private final int loadAtStart;
    private final BlockingQueue<Write> pending = new LinkedBlockingQueue<>(10_000);
    private final Thread writer;
    private volatile boolean running = true;
    /** System.nanoTime() when the writer started its current batch; 0 while it waits for work. */
    private volatile long busySince;
    private long lastSweep;

    public AlertStore(Database db, Clock clock, long timeoutMillis, Metrics metrics) {
        this(db, clock, timeoutMillis, metrics, ViewSettings.DEFAULTS);
    }

    public AlertStore(Database db, Clock clock, long timeoutMillis, Metrics metrics, ViewSettings settings) {
        this.db = db;
        this.metrics = metrics;
        this.clock = clock;
        this.timeoutMillis = timeoutMillis;
        this.view = new AlertView(settings.maxAlerts(), settings.resolvedFor(), settings.idleFor());
        this.loadAtStart = settings.maxAlerts();
        loadView();
        this.lastSweep = clock.millis();
        this.writer = new Thread(this::writeLoop, "alerthub-store-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Stores what changed; returns after commit. Throws {@link StoreUnavailableException} when there
     * is no commit within the timeout: the caller answers 503 and Alertmanager re-sends, which is safe
     * whether or not the write later commits (the store's unique keys make a re-send a no-op).
     */
    public Accepted accept(List<Alert> alerts) {
        List<Alert> changed = new ArrayList<>();
        long now = clock.millis();
        for (Alert a : alerts) {
            metrics.count("alerthub.alerts.received", receivedTags(a));
            if (!view.unchanged(a, now)) {
                changed.add(a);
            }
        }
        if (changed.isEmpty()) {
            return new Accepted(alerts.size(), List.of());
        }
        String stuck = writerProblem();
        if (stuck != null) {
            // answer at once instead of queueing behind a batch that is not coming back
            throw new StoreUnavailableException("state store: " + stuck, null);
        }
        Write w = new Write(changed, new CompletableFuture<>());
        try {
            if (!pending.offer(w, timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new StoreUnavailableException("state store: writer queue is full", null);
            }
            Stored stored = w.done().get(timeoutMillis, TimeUnit.MILLISECONDS);
            return new Accepted(alerts.size(), stored.own(), stored.toRoute());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("state store: interrupted", e);
        } catch (TimeoutException e) {
            // the writer skips a write whose caller gave up, unless it is already being written
            w.done().cancel(false);
            throw new StoreUnavailableException("state store: no commit within " + timeoutMillis + " ms", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r
                    && (r instanceof StoreUnavailableException || r instanceof StoreRefusedException)) {
                throw r;
            }
            throw new StoreUnavailableException("state store: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Why the store is not taking writes now (the writer has been inside one batch for longer than a
     * caller waits: a hung store), or null. Readiness reports it; callers get 503 at once meanwhile.
     */
    public String writerProblem() {
        long since = busySince;
        if (since == 0) {
            return null;
        }
        long millis = (System.nanoTime() - since) / 1_000_000;
        return millis > timeoutMillis ? "no commit for " + millis + " ms (store hung or locked)" : null;
    }

    /** Requests waiting for the writer. */
    public int queued() {
        return pending.size();
    }

    /** Fingerprints the intake's view currently remembers (bounded, see {@link ViewSettings}). */
    public int viewSize() {
        return view.size();
    }

    /** Rows for the read API, newest first, one page: the alert plus when it was last notified. */
    public List<Map<String, Object>> listForApi(AlertStatus status, int limit, long offset) {
        String sql = API_SELECT + (status == null ? "" : " WHERE a.status = ?")
                + " ORDER BY a.starts_at DESC, a.fingerprint LIMIT ? OFFSET ?";
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Database.bind(ps, status == null ? new Object[] {limit, offset}
                        : new Object[] {status.wire(), limit, offset});
                List<Map<String, Object>> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(apiRow(rs));
                    }
                }
                return out;
            }
        });
    }

    /** One alert as the read API shows it; NotFoundException when the hub has none with this fingerprint. */
    public Map<String, Object> findForApi(String fingerprint) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(API_SELECT + " WHERE a.fingerprint = ?")) {
                ps.setString(1, fingerprint);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("alert " + fingerprint + " does not exist");
                    }
                    return apiRow(rs);
                }
            }
        });
    }

    /**
     * The alert, when it was last notified, who acknowledged this occurrence, and what mutes it
     * (alert_mutes: one row per muted firing event; docs/lifecycle.md).
     */
    private static final String API_SELECT = "SELECT a.body, a.last_notified_at, l.acknowledged_by, l.acknowledged_at,"
            + " m.silence_id, m.inhibit_rule, m.inhibit_source"
            + " FROM alerts a LEFT JOIN alert_lifecycle l ON l.fingerprint = a.fingerprint AND l.starts_at = a.starts_at"
            + " LEFT JOIN alert_mutes m ON m.fingerprint = a.fingerprint AND m.starts_at = a.starts_at"
            + " AND a.status = 'firing'";

    private static Map<String, Object> apiRow(ResultSet rs) throws SQLException {
        Alert a = Json.read(rs.getString(1), Alert.class);
        Map<String, Object> row = new LinkedHashMap<>();
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
        if (rs.getString("acknowledged_by") != null) {
            row.put("acknowledgedBy", rs.getString("acknowledged_by"));
            row.put("acknowledgedAt", Database.instant(rs, "acknowledged_at"));
        }
        if (rs.getString("silence_id") != null) {
            row.put("silencedBy", rs.getString("silence_id"));
        }
        if (rs.getString("inhibit_rule") != null) {
            row.put("inhibitedBy", Map.of("rule", rs.getString("inhibit_rule"),
                    "sourceFingerprint", rs.getString("inhibit_source")));
        }
        return row;
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
            sweepView();
            if (first == null) {
                continue;
            }
            List<Write> batch = new ArrayList<>();
            batch.add(first);
            pending.drainTo(batch, MAX_REQUESTS_PER_BATCH - 1);
            // callers that gave up (503) will re-send: writing theirs now would only prolong a backlog
            batch.removeIf(w -> w.done().isDone());
            if (batch.isEmpty()) {
                continue;
            }
            busySince = System.nanoTime();
            try {
                write(batch);
            } finally {
                busySince = 0;
            }
        }
    }

    /**
     * One transaction for the batch. If the store refuses it for its data (a value it cannot keep),
     * each request is retried alone, so only the request that carried the value fails.
     */
    private void write(List<Write> batch) {
        try {
            commit(batch);
        } catch (RuntimeException e) {
            if (batch.size() > 1 && refusedData(e)) {
                LOG.warn("State store refused a batch of {} request(s) for its data; writing them one by one: {}",
                        batch.size(), e.getMessage());
                for (Write w : batch) {
                    write(List.of(w));
                }
                return;
            }
            RuntimeException answer = refusedData(e)
                    ? new StoreRefusedException("state store refused the alerts: " + e.getMessage(), e) : e;
            LOG.warn("State store write failed for {} request(s); callers get {}: {}", batch.size(),
                    answer instanceof StoreRefusedException ? 400 : 503, e.getMessage());
            batch.forEach(w -> w.done().completeExceptionally(answer));
        }
    }

    private void commit(List<Write> batch) {
        long t0 = System.nanoTime();
        List<List<Long>> ids = db.inIntakeTransaction(c -> writeBatch(c, batch));
        if (LOG.isDebugEnabled()) {
            LOG.debug("Committed {} request(s) in {} us", batch.size(), (System.nanoTime() - t0) / 1000);
        }
        long now = clock.millis();
        List<Long> all = ids.stream().flatMap(List::stream).toList();
        boolean handedOver = false;
        for (int i = 0; i < batch.size(); i++) {
            for (Alert a : batch.get(i).alerts()) {
                view.stored(a, now);
            }
            // the first caller still waiting hands the whole commit to the router; one that gave up
            // (503) hands nothing, and the recovery poller routes what nobody handed over
            boolean takes = !handedOver;
            if (batch.get(i).done().complete(new Stored(ids.get(i), takes ? all : List.of())) && takes) {
                handedOver = true;
            }
        }
        if (view.full()) {
            view.sweep(now);
        }
    }

    /**
     * SQL states of class 22 (data exception: too long, bad character) and 23 (integrity), and
     * PostgreSQL's 54000 (an index row too large): the data, not the store's availability, is the problem.
     */
    private static boolean refusedData(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return state.startsWith("22") || state.startsWith("23") || state.equals("54000");
            }
        }
        return false;
    }

    private void sweepView() {
        long now = clock.millis();
        if (now - lastSweep >= SWEEP_EVERY_MILLIS) {
            lastSweep = now;
            view.sweep(now);
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

    /** Firing alerts only, the most recently updated first: the ones Alertmanager will re-send. */
    private void loadView() {
        long now = clock.millis();
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT body FROM alerts WHERE status = 'firing'"
                    + " ORDER BY updated_at DESC LIMIT ?")) {
                ps.setInt(1, loadAtStart);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        view.stored(Json.read(rs.getString(1), Alert.class), now);
                    }
                }
            }
            return null;
        });
        LOG.info("Intake view loaded with {} firing alert(s) from the state store", view.size());
    }

    /** {@code probe:<id>} counts as {@code probe}: one series per source kind, not per probe. */
    private static String sourceKind(String source) {
        int colon = source.indexOf(':');
        return colon < 0 ? source : source.substring(0, colon);
    }

    /** Forgets the in-memory view (tests and operators clearing the store underneath a running hub). */
    public void forgetView() {
        view.clear();
    }

    @Override
    public void close() {
        running = false;
        writer.interrupt();
    }
}
