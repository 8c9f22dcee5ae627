package dev.alerthub.ops;

import dev.alerthub.store.AlertStore;
import dev.alerthub.store.Database;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/**
 * Readiness: the hub acknowledges a webhook only after storing it, so without a store that takes
 * writes it must not receive traffic (it would answer 503 to everything). Two ways a store fails:
 * it refuses connections (the ping fails), or it hangs — answers pings but a write never returns (a
 * lock held elsewhere, a stuck disk): then the intake's writer has been inside one batch for longer
 * than a webhook waits, which a ping alone would not show.
 */
public final class StoreHealthCheck extends AbstractHealthCheck {
    private final Database db;
    private final AlertStore store;

    public StoreHealthCheck(Database db) {
        this(db, null);
    }

    public StoreHealthCheck(Database db, AlertStore store) {
        super("alerthub", "store");
        this.db = db;
        this.store = store;
    }

    @Override
    public boolean isLiveness() {
        // a store outage is not cured by restarting the hub
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String stuck = store == null ? null : store.writerProblem();
        if (stuck != null) {
            builder.down().message("state store is not taking writes: " + stuck);
        } else if (db.isReachable()) {
            builder.up();
        } else {
            builder.down().message("state store unreachable (alerthub.store.url)");
        }
    }
}
