package dev.alerthub.probe;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.alerthub.alert.Json;
import dev.alerthub.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pending and firing probe instances in the state store (table probe_instances), so that a restart,
 * or another replica taking over, continues a {@code for} where it was instead of starting it again.
 * Only one evaluation of a probe runs at a time, so a probe's rows have one writer.
 */
public class ProbeStates {
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {
    };

    private final Database db;
    private final Clock clock;

    public ProbeStates(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public Map<String, InstanceState> load(String probeId) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint, state, active_at, fired_at, labels,"
                    + " annotations, sample_value FROM probe_instances WHERE probe_id = ?")) {
                ps.setString(1, probeId);
                Map<String, InstanceState> out = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        InstanceState s = read(rs);
                        out.put(s.fingerprint(), s);
                    }
                }
                return out;
            }
        });
    }

    /** Every stored instance, by probe: for the read API. */
    public Map<String, List<InstanceState>> all() {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT probe_id, fingerprint, state, active_at, fired_at,"
                    + " labels, annotations, sample_value FROM probe_instances ORDER BY probe_id, active_at");
                 ResultSet rs = ps.executeQuery()) {
                Map<String, List<InstanceState>> out = new LinkedHashMap<>();
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString("probe_id"), k -> new java.util.ArrayList<>()).add(read(rs));
                }
                return out;
            }
        });
    }

    public long count(InstanceState.State state) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM probe_instances WHERE state = ?")) {
                ps.setString(1, state.name().toLowerCase());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Stores changed instances and forgets dropped ones, in one transaction. */
    public void write(String probeId, Collection<InstanceState> upserts, Collection<String> forget) {
        if (upserts.isEmpty() && forget.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        db.inTransaction(c -> {
            upsert(c, probeId, upserts, now);
            delete(c, probeId, forget);
            return null;
        });
    }

    public void forget(String probeId, Collection<String> fingerprints) {
        if (!fingerprints.isEmpty()) {
            db.inTransaction(c -> {
                delete(c, probeId, fingerprints);
                return null;
            });
        }
    }

    private static void upsert(Connection c, String probeId, Collection<InstanceState> states, Instant now)
            throws SQLException {
        if (states.isEmpty()) {
            return;
        }
        try (PreparedStatement update = c.prepareStatement("UPDATE probe_instances SET state = ?, active_at = ?,"
                + " fired_at = ?, labels = ?, annotations = ?, sample_value = ?, updated_at = ?"
                + " WHERE probe_id = ? AND fingerprint = ?");
             PreparedStatement insert = c.prepareStatement("INSERT INTO probe_instances (state, active_at, fired_at,"
                     + " labels, annotations, sample_value, updated_at, probe_id, fingerprint)"
                     + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (InstanceState s : states) {
                bind(update, s, probeId, now);
                if (update.executeUpdate() == 0) {
                    bind(insert, s, probeId, now);
                    insert.executeUpdate();
                }
            }
        }
    }

    private static void bind(PreparedStatement ps, InstanceState s, String probeId, Instant now) throws SQLException {
        ps.setString(1, s.state().name().toLowerCase());
        ps.setObject(2, ts(s.activeAt()));
        ps.setObject(3, ts(s.firedAt()));
        ps.setString(4, Json.write(s.labels()));
        ps.setString(5, Json.write(s.annotations()));
        if (Double.isNaN(s.value()) || Double.isInfinite(s.value())) {
            ps.setNull(6, Types.DOUBLE);
        } else {
            ps.setDouble(6, s.value());
        }
        ps.setObject(7, ts(now));
        ps.setString(8, probeId);
        ps.setString(9, s.fingerprint());
    }

    private static void delete(Connection c, String probeId, Collection<String> fingerprints) throws SQLException {
        if (fingerprints.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM probe_instances WHERE probe_id = ? AND fingerprint = ?")) {
            for (String fp : fingerprints) {
                ps.setString(1, probeId);
                ps.setString(2, fp);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static InstanceState read(ResultSet rs) throws SQLException {
        double value = rs.getDouble("sample_value");
        if (rs.wasNull()) {
            value = Double.NaN;
        }
        try {
            return new InstanceState(rs.getString("fingerprint"),
                    InstanceState.State.valueOf(rs.getString("state").toUpperCase()),
                    instant(rs, "active_at"), instant(rs, "fired_at"),
                    Json.MAPPER.readValue(rs.getString("labels"), STRINGS),
                    Json.MAPPER.readValue(rs.getString("annotations"), STRINGS), value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("probe_instances row is not readable: " + e.getMessage(), e);
        }
    }

    private static OffsetDateTime ts(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
