package dev.alerthub.probe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.ProbeRoutes;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.SlackPosts;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hub restarted while a probe instance is pending continues its {@code for} from the stored
 * pending-since, instead of starting it again. The state store here is PostgreSQL (the production
 * store, and a check that the probe migration runs there); the probe reads an H2 table the test holds
 * (H2 reserves VALUE, hence the quoted alias).
 */
class ProbeRestartTest {
    static final String RUN = UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    @Test
    void aRestartDuringForDoesNotRestartTheClock() throws Exception {
        String schema = "store_" + RUN;
        String h2 = "jdbc:h2:mem:restart_" + RUN + ";DB_CLOSE_DELAY=-1";
        try (Connection pg = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
             Statement st = pg.createStatement();
             Connection data = DriverManager.getConnection(h2);
             Statement ds = data.createStatement();
             HttpStub slack = SinkStubs.slack()) {
            st.execute("CREATE SCHEMA " + schema);
            ds.execute("CREATE TABLE backlog (n INT)");
            ds.execute("INSERT INTO backlog VALUES (50)");
            try {
                ProbeRoutes routes = ProbeRoutes.copyOfProject();
                routes.probe("backlog.camel.yaml", ProbeRoutes.templated("sql-probe", "id", "backlog", "every", "1s",
                        "datasource", "data", "sql", "SELECT n AS \"value\" FROM backlog", "op", ">", "threshold", "10",
                        "for", "10s", "severity", "warning", "alertname", "BacklogHigh"));
                TestHub.Builder builder = TestHub.builder().routesDir(routes.dir()).slack(slack)
                        .storeUrl("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema)
                        .property("alerthub.store.username", "postgres")
                        .property("alerthub.datasources.data.url", h2);

                Instant activeAt;
                try (TestHub first = builder.start()) {
                    JsonNode pending = await().atMost(Duration.ofSeconds(10)).until(() -> instance(first),
                            i -> i != null && i.path("state").asText().equals("pending"));
                    activeAt = Instant.parse(pending.path("activeAt").asText());
                }
                Instant restartedAt = Instant.now();
                try (TestHub second = builder.start()) {
                    JsonNode firing = await().atMost(Duration.ofSeconds(20)).until(() -> instance(second),
                            i -> i != null && i.path("state").asText().equals("firing"));
                    assertThat(Instant.parse(firing.path("activeAt").asText())).as("pending since, from the store")
                            .isEqualTo(activeAt);
                    Instant firedAt = Instant.parse(firing.path("firedAt").asText());
                    assertThat(Duration.between(activeAt, firedAt)).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(13));
                    assertThat(firedAt).as("a reset clock would fire 10s after the restart, not before")
                            .isBefore(restartedAt.plusSeconds(10));
                    await().atMost(Duration.ofSeconds(10)).until(() -> SlackPosts.firing(slack, "BacklogHigh") == 1);
                }
            } finally {
                st.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    static JsonNode instance(TestHub hub) throws Exception {
        for (JsonNode p : Json.MAPPER.readTree(hub.get("/api/probes").body())) {
            if (p.path("id").asText().equals("backlog") && p.path("instances").size() == 1) {
                return p.path("instances").get(0);
            }
        }
        return null;
    }
}
