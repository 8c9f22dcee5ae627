package dev.alerthub.ops;

import dev.alerthub.store.Database;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/**
 * Readiness: the hub acknowledges a webhook only after storing it, so without a reachable store it
 * must not receive traffic (it would answer 503 to everything).
 */
public final class StoreHealthCheck extends AbstractHealthCheck {
    private final Database db;

    public StoreHealthCheck(Database db) {
        super("alerthub", "store");
        this.db = db;
    }

    @Override
    public boolean isLiveness() {
        // a store outage is not cured by restarting the hub
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (db.isReachable()) {
            builder.up();
        } else {
            builder.down().message("state store unreachable (alerthub.store.url)");
        }
    }
}
