package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.ProbeRoutes;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.SlackPosts;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SQL probes against the machine's real PostgreSQL (127.0.0.1:5432, db test) and MariaDB
 * (127.0.0.1:3306, db test), and an in-memory H2, on tables this test creates (a schema or table
 * names of its own per run). The shipped freshness, staleness and connection-count probes are switched
 * on with short windows.
 */
class SqlProbeFlowTest {
    static final String RUN = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String PG_SCHEMA = "probes_" + RUN;
    static final String MARIA_URL = "jdbc:mariadb://127.0.0.1:3306/test";
    static final String FRESH = "fresh_" + RUN;
    static final String LEDGER = "ledger_" + RUN;
    static final String H2_URL = "jdbc:h2:mem:probes_" + RUN + ";DB_CLOSE_DELAY=-1";

    static Connection h2Keeper;
    static HttpStub slack;
    static TestHub hub;

    @BeforeAll
    static void start() throws Exception {
        try (Connection c = pg(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + PG_SCHEMA);
            st.execute("SET search_path TO " + PG_SCHEMA);
            st.execute("CREATE TABLE queue_depth (shard TEXT PRIMARY KEY, depth INT NOT NULL)");
            st.execute("INSERT INTO queue_depth VALUES ('a', 500), ('b', 5)");
            st.execute("CREATE TABLE events (id SERIAL PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL)");
            st.execute("INSERT INTO events (created_at) VALUES (now() - interval '5 hours'), (now() - interval '3 hours')");
            st.execute("CREATE TABLE ledger (id INT PRIMARY KEY, amount INT NOT NULL)");
            st.execute("INSERT INTO ledger VALUES (1, 100)");
        }
        try (Connection c = maria(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + FRESH + " (id INT AUTO_INCREMENT PRIMARY KEY, created_at DATETIME(3) NOT NULL)");
            st.execute("CREATE TABLE " + LEDGER + " (id INT PRIMARY KEY, amount INT NOT NULL)");
            st.execute("INSERT INTO " + LEDGER + " VALUES (1, 100)");
        }
        insertFreshRow();
        h2Keeper = DriverManager.getConnection(H2_URL);
        try (Statement st = h2Keeper.createStatement()) {
            st.execute("CREATE TABLE jobs (name VARCHAR(64) PRIMARY KEY, failures INT NOT NULL)");
            st.execute("INSERT INTO jobs VALUES ('nightly-export', 7), ('hourly-sync', 0)");
        }

        slack = SinkStubs.slack();
        ProbeRoutes routes = ProbeRoutes.copyOfProject();
        routes.probe("pg-queues.camel.yaml", ProbeRoutes.templated("sql-probe", "id", "pg-queues", "every", "1s",
                "datasource", "pg", "sql", "SELECT shard, depth AS value FROM queue_depth", "op", ">",
                "threshold", "100", "severity", "warning", "alertname", "QueueBacklog",
                "annotations", "summary: shard {{ $labels.shard }} holds {{ $value }} jobs"));
        routes.probe("pg-write.camel.yaml", ProbeRoutes.templated("sql-probe", "id", "pg-write", "every", "1s",
                "datasource", "pg", "sql", "UPDATE ledger SET amount = 0 WHERE id = 1", "op", ">", "threshold", "0",
                "severity", "warning"));
        routes.probe("maria-write.camel.yaml", ProbeRoutes.templated("sql-probe", "id", "maria-write", "every", "1s",
                "datasource", "maria", "sql", "UPDATE " + LEDGER + " SET amount = 0 WHERE id = 1", "op", ">",
                "threshold", "0", "severity", "warning"));
        routes.probe("pg-sleepy.camel.yaml", ProbeRoutes.templated("sql-probe", "id", "pg-sleepy", "every", "1s",
                "datasource", "pg", "sql", "SELECT 1 AS value FROM pg_sleep(5)", "op", ">", "threshold", "0",
                "severity", "warning"));
        routes.probe("h2-jobs.camel.yaml", ProbeRoutes.templated("sql-probe", "id", "h2-jobs", "every", "1s",
                "datasource", "h2", "sql", "SELECT name AS job, failures FROM jobs", "valueColumn", "failures",
                "op", ">=", "threshold", "3", "severity", "warning", "alertname", "JobFailing",
                "annotations", "summary: job {{ $labels.job }} failed {{ $row.failures }} times"));
        hub = TestHub.builder().routesDir(routes.dir()).slack(slack)
                .property("alerthub.delivery.slack-per-second", "100")
                .property("alerthub.probes.timeout", "1s")
                .property("alerthub.datasources.pg.url", PG_URL + "?currentSchema=" + PG_SCHEMA)
                .property("alerthub.datasources.pg.username", "postgres")
                .property("alerthub.datasources.maria.url", MARIA_URL)
                .property("alerthub.datasources.maria.username", "root")
                .property("alerthub.datasources.h2.url", H2_URL)
                .property("alerthub.probes.data-freshness.enabled", "true")
                .property("alerthub.probes.data-freshness.every", "1s")
                .property("alerthub.probes.data-freshness.datasource", "maria")
                .property("alerthub.probes.data-freshness.table", FRESH)
                .property("alerthub.probes.data-freshness.window", "3s")
                .property("alerthub.probes.stale-data.enabled", "true")
                .property("alerthub.probes.stale-data.every", "1s")
                .property("alerthub.probes.stale-data.datasource", "pg")
                .property("alerthub.probes.connections-postgresql.enabled", "true")
                .property("alerthub.probes.connections-postgresql.every", "1s")
                .property("alerthub.probes.connections-postgresql.for", "0s")
                .property("alerthub.probes.connections-postgresql.datasource", "pg")
                .property("alerthub.probes.connections-postgresql.percent", "0")
                .property("alerthub.probes.connections-mariadb.enabled", "true")
                .property("alerthub.probes.connections-mariadb.every", "1s")
                .property("alerthub.probes.connections-mariadb.for", "0s")
                .property("alerthub.probes.connections-mariadb.datasource", "maria")
                .property("alerthub.probes.connections-mariadb.percent", "0")
                .property("alerthub.probes.slow-queries.enabled", "true")
                .property("alerthub.probes.slow-queries.every", "1s")
                .property("alerthub.probes.slow-queries.datasource", "pg")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
        slack.close();
        h2Keeper.close();
        try (Connection c = pg(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + PG_SCHEMA + " CASCADE");
        }
        try (Connection c = maria(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE " + FRESH);
            st.execute("DROP TABLE " + LEDGER);
        }
    }

    @Test
    void eachRowIsAnInstanceLabelledByItsColumns() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> SlackPosts.firing(slack, "QueueBacklog") == 1);
        assertThat(SlackPosts.about(slack, "QueueBacklog").get(0)).contains("shard a holds 500 jobs");
        pgUpdate("UPDATE queue_depth SET depth = 300 WHERE shard = 'b'");
        // the probe's instances are one group: its next message lists both shards
        await().atMost(Duration.ofSeconds(10)).until(() -> SlackPosts.groupPost(slack, "QueueBacklog",
                "shard a holds 500 jobs", "shard b holds 300 jobs", "2 firing"));
        pgUpdate("UPDATE queue_depth SET depth = 0 WHERE shard = 'a'");
        await().atMost(Duration.ofSeconds(10)).until(() -> SlackPosts.groupPost(slack, "QueueBacklog",
                "1 firing, 1 resolved", "shard b holds 300 jobs"));
        JsonNode instances = probe("pg-queues").path("instances");
        assertThat(instances).singleElement().satisfies(i -> assertThat(i.at("/labels/shard").asText()).isEqualTo("b"));
    }

    @Test
    void theFreshnessProbeAlertsWhenNoRowArrivesWithinTheWindowOnMariadb() throws Exception {
        await().atMost(Duration.ofSeconds(15)).until(() -> SlackPosts.firing(slack, "NoNewRows") >= 1
                && probe("data-freshness").path("instances").size() == 1);
        assertThat(SlackPosts.about(slack, "NoNewRows").get(0)).contains("No new rows in " + FRESH);
        long resolvedBefore = SlackPosts.resolved(slack, "NoNewRows");
        insertFreshRow();
        await().atMost(Duration.ofSeconds(10)).until(() -> SlackPosts.resolved(slack, "NoNewRows") == resolvedBefore + 1);
    }

    @Test
    void theStaleDataProbeReadsTheNewestRowsAgeOnPostgresql() {
        await().atMost(Duration.ofSeconds(10)).until(() -> SlackPosts.firing(slack, "StaleData") == 1);
        assertThat(SlackPosts.about(slack, "StaleData").get(0)).contains("Newest row of events is 3h 0m");
        double age = Double.parseDouble(probe("stale-data").path("instances").get(0).path("value").asText());
        assertThat(age).isBetween(3 * 3600.0, 3 * 3600.0 + 60);
    }

    @Test
    void theConnectionCountProbesReadPostgresqlAndMariadb() {
        await().atMost(Duration.ofSeconds(10)).until(() -> SlackPosts.firing(slack, "DatabaseConnectionsHigh") == 2);
        assertThat(SlackPosts.about(slack, "DatabaseConnectionsHigh"))
                .anySatisfy(t -> assertThat(t).matches(".*PostgreSQL pg uses \\d+ % of max_connections.*"))
                .anySatisfy(t -> assertThat(t).matches(".*MariaDB maria uses \\d+ % of max_connections.*"));
        for (String id : new String[] {"connections-postgresql", "connections-mariadb"}) {
            double percent = Double.parseDouble(probe(id).path("instances").get(0).path("value").asText());
            assertThat(percent).as(id).isGreaterThan(0).isLessThan(100);
        }
    }

    @Test
    void probeConnectionsAreReadOnly() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> !probe("pg-write").path("lastError").isNull()
                && !probe("maria-write").path("lastError").isNull());
        assertThat(probe("pg-write").path("lastError").asText()).contains("read-only transaction");
        assertThat(probe("maria-write").path("lastError").asText()).containsIgnoringCase("read only");
        try (Connection c = pg(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT amount FROM " + PG_SCHEMA + ".ledger")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(100);
        }
        try (Connection c = maria(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT amount FROM " + LEDGER)) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(100);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> SlackPosts.about(slack, "ProbeFailing").stream()
                .filter(t -> t.contains("pg-write") || t.contains("maria-write")).count() == 2);
    }

    @Test
    void aStatementTimeoutBoundsASlowQuery() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !probe("pg-sleepy").path("lastError").isNull());
        assertThat(probe("pg-sleepy").path("lastError").asText()).contains("canceling statement");
    }

    @Test
    void h2WorksTooAndAnyColumnCanBeTheValue() {
        await().atMost(Duration.ofSeconds(10)).until(() -> SlackPosts.firing(slack, "JobFailing") == 1);
        assertThat(SlackPosts.about(slack, "JobFailing").get(0)).contains("job nightly-export failed 7 times");
    }

    @Test
    void theSlowQueriesProbeSaysWhenPgStatStatementsIsMissing() throws Exception {
        boolean present;
        try (Connection c = pg(); Statement st = c.createStatement()) {
            st.executeQuery("SELECT 1 FROM pg_stat_statements LIMIT 1").close();
            present = true;
        } catch (SQLException e) {
            present = false;
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !probe("slow-queries").path("lastEvaluatedAt").isNull());
        if (present) {
            assertThat(probe("slow-queries").path("lastError").isNull()).isTrue();
        } else {
            assertThat(probe("slow-queries").path("lastError").asText()).contains("pg_stat_statements");
        }
    }

    // --- helpers

    static Connection pg() throws SQLException {
        return DriverManager.getConnection(PG_URL, "postgres", "");
    }

    static Connection maria() throws SQLException {
        return DriverManager.getConnection(MARIA_URL, "root", "");
    }

    static void pgUpdate(String sql) throws SQLException {
        try (Connection c = pg(); Statement st = c.createStatement()) {
            st.execute("SET search_path TO " + PG_SCHEMA);
            st.executeUpdate(sql);
        }
    }

    /** Written with the same JDBC time conversion the probe binds :?since with. */
    static void insertFreshRow() throws SQLException {
        try (Connection c = maria();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + FRESH + " (created_at) VALUES (?)")) {
            ps.setTimestamp(1, Timestamp.from(Instant.now()));
            ps.executeUpdate();
        }
    }

    static JsonNode probe(String id) {
        try {
            for (JsonNode p : Json.MAPPER.readTree(hub.get("/api/probes").body())) {
                if (p.path("id").asText().equals(id)) {
                    return p;
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no probe " + id);
    }
}
