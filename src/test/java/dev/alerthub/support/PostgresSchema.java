package dev.alerthub.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A schema of its own on the machine's PostgreSQL (127.0.0.1:5432, database test, trust auth),
 * dropped on close, so test runs never see each other's rows.
 */
public final class PostgresSchema implements AutoCloseable {
    public static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String USER = "postgres";

    private final String name;

    private PostgresSchema(String name) {
        this.name = name;
    }

    public static PostgresSchema create(String prefix) {
        String name = prefix + "_" + Long.toString(System.nanoTime(), 36);
        try (Connection c = DriverManager.getConnection(SERVER, USER, ""); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + SERVER + " (user " + USER + ") is needed by this test: "
                    + e.getMessage() + " (.ci/run starts it; locally: pg_ctlcluster 15 main start)", e);
        }
        return new PostgresSchema(name);
    }

    public String name() {
        return name;
    }

    /** The store URL for a hub using this schema. */
    public String url() {
        return SERVER + "?currentSchema=" + name;
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(SERVER, USER, ""); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
