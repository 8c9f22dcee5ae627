package dev.alerthub.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh schema in the machine's PostgreSQL (127.0.0.1:5432, trust auth, database test), dropped on
 * close, so tests never see each other's rows.
 */
public final class PostgresSchema implements AutoCloseable {
    public static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    private final String name;

    public PostgresSchema() {
        this.name = "alerthub_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        exec("CREATE SCHEMA " + name);
    }

    public String name() {
        return name;
    }

    /** A JDBC URL whose unqualified tables live in this schema. */
    public String url() {
        return SERVER + "?currentSchema=" + name;
    }

    public static String user() {
        return "postgres";
    }

    private static void exec(String sql) {
        try (Connection c = DriverManager.getConnection(SERVER, user(), "");
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at 127.0.0.1:5432 (database test) is needed by this test: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        exec("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }
}
