package dev.alerthub.ops;

import dev.alerthub.store.Database;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StoreHealthCheckTest {

    @Test
    void readyWhileTheStoreAnswersAndNotReadyWhenItDoesNot() {
        Database db = Database.open("jdbc:h2:mem:store-health-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "", "");
        StoreHealthCheck check = new StoreHealthCheck(db);
        assertThat(check.isReadiness()).isTrue();
        assertThat(check.isLiveness()).isFalse();
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);

        db.close();
        HealthCheck.Result down = check.call();
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).hasValue("state store unreachable (alerthub.store.url)");
    }
}
