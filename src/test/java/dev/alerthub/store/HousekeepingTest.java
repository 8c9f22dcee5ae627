package dev.alerthub.store;

import dev.alerthub.admin.HubMetrics;
import dev.alerthub.intake.AlertmanagerIntake;
import dev.alerthub.support.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class HousekeepingTest {

    @Test
    void removesOnlyFinishedHistoryOlderThanTheRetention() throws Exception {
        try (Database db = Database.open("jdbc:h2:file:" + Files.createTempDirectory("hk").resolve("db"), "", "");
             AlertStore store = new AlertStore(db, Clock.systemUTC(), 5000, new HubMetrics(new SimpleMeterRegistry()))) {
            AlertmanagerIntake intake = new AlertmanagerIntake();
            store.accept(intake.parse(Fixtures.webhook("webhook-firing-critical")).alerts());
            store.accept(intake.parse(Fixtures.webhook("webhook-resolved")).alerts());
            store.accept(intake.parse(Fixtures.webhook("webhook-firing-warning")).alerts());
            exec(db, "UPDATE alert_events SET state = 'DONE' WHERE status = 'resolved'");

            Clock tomorrow = Clock.fixed(Instant.now().plus(Duration.ofDays(1)), ZoneOffset.UTC);
            assertThat(new Housekeeping(db, tomorrow, Duration.ofDays(14)).purge().values())
                    .as("nothing is old enough").containsOnly(0);

            Clock inAMonth = Clock.fixed(Instant.now().plus(Duration.ofDays(30)), ZoneOffset.UTC);
            var removed = new Housekeeping(db, inAMonth, Duration.ofDays(14)).purge();
            assertThat(removed).containsEntry("alerts", 1).containsEntry("alert_events", 1);
            assertThat(count(db, "SELECT COUNT(*) FROM alerts WHERE status = 'firing'")).as("firing kept").isEqualTo(1);
            assertThat(count(db, "SELECT COUNT(*) FROM alert_events WHERE state = 'PENDING'")).as("pending kept")
                    .isEqualTo(2);
        }
    }

    private static void exec(Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    private static long count(Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
