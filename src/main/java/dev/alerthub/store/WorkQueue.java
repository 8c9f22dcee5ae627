package dev.alerthub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one "claim with a lease, renew, finish, re-queue what is due" over a store table, used by the
 * outbox (alert events), deliveries and remediation requests. A row is {@code pending} (optionally not before its
 * {@code due_at}: that is how a retry waits without a thread), {@code working} under a lease
 * ({@code claimed_until}, {@code lease_owner}), or in a final state. Rows of one order key (a
 * fingerprint; a fingerprint, sink and target; none for remediation requests) are worked in id order: a later one is not claimed
 * while an earlier one is open, so a resolve never overtakes its trigger, even across retries.
 *
 * <p>The table needs: {@code id, state, attempts, claimed_until, lease_owner, due_at} and the
 * creation column. States are stored as their {@code toString()}.
 *
 * @param <S> the table's states
 */
public final class WorkQueue<S extends Enum<S>> {
    /** A row the recovery poller found due; {@code group} is the value of the queue's group column, if any. */
    public record Due(long id, String group) {
        /** The sink of a due delivery (the routes name it so). */
        public String sink() {
            return group;
        }
    }

    /** How a queue maps onto its table. */
    public record Shape<S extends Enum<S>>(String table, S pending, S working, List<String> orderKey,
                                           String createdColumn, String groupColumn) {
    }

    private final Database db;
    private final Clock clock;
    private final Shape<S> shape;
    private final String owner;
    private final Duration lease;
    private final Duration recoveryAge;
    private final String open;
    private final String inOrder;
    // ids the poller handed out lately: a row still waiting in a sink's queue is not queued again
    // every poll (each duplicate would cost a failed claim transaction)
    private final Map<Long, Instant> handedOut = new ConcurrentHashMap<>();

    /**
     * @param owner       this hub's lease owner id ({@link LeaseOwner}): whose leases these are
     * @param recoveryAge a pending row without a due time is left to the fast path this long
     */
    public WorkQueue(Database db, Clock clock, Shape<S> shape, String owner, Duration lease, Duration recoveryAge) {
        this.db = db;
        this.clock = clock;
        this.shape = shape;
        this.owner = owner;
        this.lease = lease;
        this.recoveryAge = recoveryAge;
        this.open = "('" + shape.pending() + "', '" + shape.working() + "')";
        // no order key: rows are independent (remediation requests, ordered by their decision's lock).
        // "It is the first open row of its key" as a MIN over the key's index, not as "no earlier open
        // row exists": with that, PostgreSQL's generic plan scanned every open row of the table for
        // each claim (the state index), which made a storm's backlog quadratic (docs/benchmarks.md)
        String t = shape.table();
        this.inOrder = shape.orderKey().isEmpty() ? "" : " AND " + t + ".id = (SELECT MIN(p.id) FROM " + t + " p WHERE "
                + shape.orderKey().stream().map(k -> "p." + k + " = " + t + "." + k).collect(Collectors.joining(" AND "))
                + " AND p.state IN " + open + ")";
    }

    public String owner() {
        return owner;
    }

    public Duration lease() {
        return lease;
    }

    /**
     * Takes the row for this worker when it is pending and due (or its lease ran out) and no earlier
     * row of its order key is open. Returns its attempt count (this one included), or 0 when the row
     * is not this caller's to work on.
     */
    public int claim(Connection c, long id) throws SQLException {
        if (claimAll(c, List.of(id)).isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT attempts FROM " + shape.table() + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * {@link #claim(Connection, long)} for many rows in one statement (of two rows of one order key in
     * {@code ids}, only the earlier is claimed). Returns the ids claimed, in id order.
     */
    public List<Long> claimAll(Connection c, List<Long> ids) throws SQLException {
        List<Long> sorted = ids.stream().distinct().sorted().toList();
        if (sorted.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        boolean pg = db.dialect() == Dialect.POSTGRESQL;
        // PostgreSQL: one array parameter; H2 uses its primary key for an IN list, not for = ANY(array)
        String idIn = pg ? "= ANY(?)" : "IN (" + String.join(", ", java.util.Collections.nCopies(sorted.size(), "?")) + ")";
        String update = "UPDATE " + shape.table()
                + " SET state = ?, claimed_until = ?, lease_owner = ?, attempts = attempts + 1"
                + " WHERE ((state = ? AND (due_at IS NULL OR due_at <= ?))"
                + " OR (state = ? AND claimed_until < ?)) AND id " + idIn + inOrder;
        String sql = pg ? update + " RETURNING id" : "SELECT id FROM FINAL TABLE (" + update + ")";
        List<Long> claimed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Database.bind(ps, shape.working().toString(), now.plus(lease), owner, shape.pending().toString(),
                    now, shape.working().toString(), now);
            if (pg) {
                ps.setArray(8, c.createArrayOf("BIGINT", sorted.toArray()));
            } else {
                for (int i = 0; i < sorted.size(); i++) {
                    ps.setLong(8 + i, sorted.get(i));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claimed.add(rs.getLong(1));
                }
            }
        }
        claimed.sort(null);
        return claimed;
    }

    public int claim(long id) {
        return db.inTransaction(c -> claim(c, id));
    }

    /** Keeps this worker's claim for another lease, plus {@code extra}. False when the claim was lost. */
    public boolean renew(long id, Duration extra) {
        Instant until = clock.instant().plus(lease).plus(extra);
        return db.run(c -> update(c, "SET claimed_until = ? WHERE id = ? AND state = ? AND lease_owner = ?",
                until, id, shape.working().toString(), owner)) == 1;
    }

    /** The work is over: the row leaves the queue in {@code state}. */
    public void finish(Connection c, long id, S state) throws SQLException {
        handedOut.remove(id);
        update(c, "SET state = ?, claimed_until = NULL, lease_owner = NULL, due_at = NULL WHERE id = ?",
                state.toString(), id);
    }

    /** {@link #finish(Connection, long, Enum)} for many rows in one round trip. */
    public void finishAll(Connection c, List<Long> ids, S state) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + shape.table()
                + " SET state = ?, claimed_until = NULL, lease_owner = NULL, due_at = NULL WHERE id = ?")) {
            for (long id : ids) {
                handedOut.remove(id);
                Database.bind(ps, state.toString(), id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public void finish(long id, S state) {
        db.run(c -> {
            finish(c, id, state);
            return null;
        });
    }

    /**
     * Back to pending, not before {@code due}: the thread is free meanwhile, and the row keeps its
     * place in its order key. {@code counted} false takes back the attempt the claim counted (the
     * work was not tried: a sink's circuit was open, or its rate limit said wait).
     */
    public void retryAt(Connection c, long id, Instant due, boolean counted) throws SQLException {
        handedOut.remove(id);
        update(c, "SET state = ?, due_at = ?, claimed_until = NULL, lease_owner = NULL"
                + (counted ? "" : ", attempts = attempts - 1") + " WHERE id = ? AND state = ?",
                shape.pending().toString(), due, id, shape.working().toString());
    }

    public void retryAt(long id, Instant due, boolean counted) {
        db.run(c -> {
            retryAt(c, id, due, counted);
            return null;
        });
    }

    /**
     * Rows due now, oldest first: pending ones the fast path did not take within the recovery age,
     * retries whose time has come, and claims whose lease ran out (a worker or replica died). A row
     * this queue handed out within the recovery age is not handed out again.
     */
    public List<Due> due(int limit) {
        Instant now = clock.instant();
        String group = shape.groupColumn() == null ? "NULL" : shape.groupColumn();
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, " + group + " FROM " + shape.table()
                    + " WHERE (state = ? AND ((due_at IS NULL AND " + shape.createdColumn() + " < ?) OR due_at <= ?))"
                    + " OR (state = ? AND claimed_until < ?) ORDER BY id LIMIT " + limit)) {
                Database.bind(ps, shape.pending().toString(), now.minus(recoveryAge), now, shape.working().toString(),
                        now);
                List<Due> due = new ArrayList<>();
                handedOut.values().removeIf(at -> at.isBefore(now.minus(recoveryAge)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (handedOut.putIfAbsent(rs.getLong(1), now) == null) {
                            due.add(new Due(rs.getLong(1), rs.getString(2)));
                        }
                    }
                }
                return due;
            }
        });
    }

    /**
     * A restarted hub takes back the leases its previous incarnation held (same {@link LeaseOwner}),
     * due at once, instead of waiting for them to run out. Other owners' leases are left alone: they
     * may belong to a live replica. Returns how many were released.
     */
    public int releaseOwnLeases() {
        Instant now = clock.instant();
        return db.run(c -> update(c, "SET state = ?, due_at = ?, claimed_until = NULL, lease_owner = NULL"
                + " WHERE state = ? AND lease_owner = ?", shape.pending().toString(), now,
                shape.working().toString(), owner));
    }

    /** Rows not yet finished. */
    public long depth() {
        return db.queryLong("SELECT COUNT(*) FROM " + shape.table() + " WHERE state IN " + open);
    }

    private int update(Connection c, String set, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + shape.table() + " " + set)) {
            Database.bind(ps, params);
            return ps.executeUpdate();
        }
    }

    public static List<String> key(String... columns) {
        return Stream.of(columns).toList();
    }
}
