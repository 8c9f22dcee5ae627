package dev.alerthub.store;

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
    void credentialsNeverReachTheLog() {
        assertThat(Database.redact("jdbc:postgresql://u:secret@db:5432/a?password=secret&ssl=true"))
                .doesNotContain("secret");
    }
}
