package dev.alerthub.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A schema of its own on the machine's PostgreSQL (127.0.0.1:5432, database test, trust auth),
 * dropped on close, so tests never see each other's rows.
 */
public final class PostgresSchema implements AutoCloseable {
    public static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String USER = "postgres";
    private final String name;

    public PostgresSchema() {
        this("alerthub_t");
    }

    private PostgresSchema(String prefix) {
        this.name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        exec("CREATE SCHEMA " + name);
    }

    public static PostgresSchema create(String prefix) {
        return new PostgresSchema(prefix);
    }

    public String name() {
        return name;
    }

    /** A JDBC URL (the store URL for a hub) whose unqualified tables live in this schema. */
    public String url() {
        return SERVER + "?currentSchema=" + name;
    }

    public static String user() {
        return USER;
    }

    private static void exec(String sql) {
        try (Connection c = DriverManager.getConnection(SERVER, USER, "");
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + SERVER + " (user " + USER + ") is needed by this test: "
                    + e.getMessage() + " (.ci/run starts it; locally: pg_ctlcluster 15 main start)", e);
        }
    }

    @Override
    public void close() {
        exec("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }
}
