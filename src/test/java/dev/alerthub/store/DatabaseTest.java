package dev.alerthub.store;

import dev.alerthub.support.LogCapture;
import dev.alerthub.support.PostgresSchema;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseTest {

    @Test
    void theEmbeddedStoreWritesEachCommitAndIsClosedByTheHubNotByH2() {
        assertThat(Database.durableH2("jdbc:h2:file:./data/alerthub"))
                .isEqualTo("jdbc:h2:file:./data/alerthub;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(Database.durableH2("jdbc:h2:file:x;write_delay=100"))
                .as("an operator's own choice stands").isEqualTo("jdbc:h2:file:x;write_delay=100;DB_CLOSE_ON_EXIT=FALSE");
    }

    @Test
    void credentialsInTheStoreUrlNeverReachTheLog() {
        // the machine's PostgreSQL trusts local connections, so the password in the URL is accepted
        try (PostgresSchema schema = PostgresSchema.create("db_log"); LogCapture log = new LogCapture();
             Database db = Database.open(schema.url() + "&password=secret",
                     PostgresSchema.user(), "")) {
            assertThat(log.lines()).anyMatch(l -> l.startsWith("State store: postgresql"))
                    .noneMatch(l -> l.contains("secret"));
        }
    }
}
