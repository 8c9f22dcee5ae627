package dev.alerthub.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.util.URISupport;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** The state store's connection pool and schema. Everything the hub must not forget lives here. */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** Every statement's limit unless alerthub.store.statement-timeout says otherwise. */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    private final HikariDataSource dataSource;
    private final Dialect dialect;

    /**
     * The intake writer's own connections: acknowledging Alertmanager never waits behind routing and
     * delivery workers for one of the shared pool's (at 100 pages a second they held all ten, and
     * webhooks got 503 after the commit timeout).
     */
    private final HikariDataSource intake;

    private Database(HikariDataSource dataSource, HikariDataSource intake, Dialect dialect) {
        this.dataSource = dataSource;
        this.intake = intake;
        this.dialect = dialect;
    }

    /** Opens the pool and migrates the schema; fails with the reason when the store is unreachable. */
    public static Database open(String url, String username, String password) {
        return open(url, username, password, DEFAULT_STATEMENT_TIMEOUT);
    }

    /**
     * As {@link #open(String, String, String)}, with a bound on every statement: a store that hangs
     * (a lock held elsewhere, a frozen server or network) gives each JDBC call back to its thread after
     * at most {@code statementTimeout} (server side: the session's statement timeout; client side, for
     * a server that no longer answers at all: PostgreSQL's socketTimeout a little later). The intake's
     * single writer is therefore freed, never stuck for good; callers stop waiting sooner
     * (alerthub.store.commit-timeout) and answer 503.
     */
    public static Database open(String url, String username, String password, Duration statementTimeout) {
        Dialect dialect = Dialect.of(url);
        HikariDataSource ds = new HikariDataSource(config("alerthub-store", 10, dialect, url, username, password,
                statementTimeout));
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        HikariDataSource intake;
        try {
            intake = new HikariDataSource(config("alerthub-intake", 2, dialect, url, username, password,
                    statementTimeout));
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        LOG.info("State store: {} ({})", dialect.name().toLowerCase(), URISupport.sanitizeUri(url));
        return new Database(ds, intake, dialect);
    }

    private static HikariConfig config(String name, int size, Dialect dialect, String url, String username,
                                       String password, Duration statementTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(dialect == Dialect.H2 ? durableH2(url) : url);
        if (username != null && !username.isBlank()) {
            config.setUsername(username);
        }
        if (password != null && !password.isBlank()) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        long ms = Math.max(1, statementTimeout.toMillis());
        if (dialect == Dialect.POSTGRESQL) {
            config.setConnectionInitSql("SET statement_timeout = " + ms);
            // seconds; a setting in the URL wins over these (the driver reads the URL last)
            config.addDataSourceProperty("socketTimeout", String.valueOf(ms / 1000 + 10));
            config.addDataSourceProperty("connectTimeout", "5");
            config.addDataSourceProperty("loginTimeout", "5");
        } else {
            config.setConnectionInitSql("SET QUERY_TIMEOUT " + ms);
        }
        config.setInitializationFailTimeout(10_000);
        return config;
    }

    /**
     * H2 keeps commits in memory for WRITE_DELAY (500 ms by default): a killed process would lose
     * alerts it already acknowledged. The hub answers 200 only after commit, so commits must be on disk.
     * And H2 closes the database from its own JVM shutdown hook, under the feet of the exchanges Camel
     * is still finishing during a graceful stop: the hub closes it itself, last.
     */
    static String durableH2(String url) {
        String upper = url.toUpperCase();
        String out = upper.contains("WRITE_DELAY") ? url : url + ";WRITE_DELAY=0";
        return upper.contains("DB_CLOSE_ON_EXIT") ? out : out + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    public DataSource dataSource() {
        return dataSource;
    }

    Dialect dialect() {
        return dialect;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs work in one transaction; any SQL failure rolls back and surfaces as store-unavailable. */
    public <T> T inTransaction(Work<T> work) {
        return inTransaction(dataSource, work);
    }

    /** {@link #inTransaction} on the intake writer's own connections. */
    <T> T inIntakeTransaction(Work<T> work) {
        return inTransaction(intake, work);
    }

    private static <T> T inTransaction(DataSource source, Work<T> work) {
        try (Connection c = source.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("state store: " + e.getMessage(), e);
        }
    }

    /** Runs work on an auto-commit connection. */
    public <T> T run(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreUnavailableException("state store: " + e.getMessage(), e);
        }
    }

    /** The single number a query such as {@code SELECT COUNT(*)} answers. */
    public long queryLong(String sql, Object... params) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    public boolean isReachable() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        intake.close();
        dataSource.close();
    }

    // --- small JDBC helpers shared by the store classes

    /**
     * Both stores keep microseconds; Alertmanager sends nanoseconds. Truncating here, at the one place
     * every instant is bound, makes a stored value and a query parameter compare equal on both.
     */
    static OffsetDateTime ts(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static void bind(PreparedStatement ps, Object... values) throws SQLException {
        bindAt(ps, 0, values);
    }

    /** Binds values to the parameters after {@code offset}; returns the offset after them. */
    static int bindAt(PreparedStatement ps, int offset, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v instanceof Instant t) {
                ps.setObject(offset + i + 1, ts(t));
            } else if (v instanceof Timestamp t) {
                ps.setObject(offset + i + 1, ts(t.toInstant()));
            } else {
                ps.setObject(offset + i + 1, v);
            }
        }
        return offset + values.length;
    }
}
