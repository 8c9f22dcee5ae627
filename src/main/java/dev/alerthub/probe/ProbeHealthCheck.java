package dev.alerthub.probe;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/**
 * The "probes" entry of /observe/health: how many probes fail and why. It stays UP on purpose and
 * takes no part in readiness or liveness: an unreachable Prometheus or database must never make the
 * hub not-ready, or Kubernetes would stop the webhook path too. The failing probes themselves raise
 * ProbeFailing alerts.
 */
public class ProbeHealthCheck extends AbstractHealthCheck {
    private static final int MAX_LISTED = 20;

    private final ProbeRegistry probes;
    private final ProbeStatusBoard board;

    public ProbeHealthCheck(ProbeRegistry probes, ProbeStatusBoard board) {
        super("alerthub", "probes");
        this.probes = probes;
        this.board = board;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, ProbeStatusBoard.Status> failing = board.failing();
        int enabled = probes.all().size();
        builder.detail("probes.live", enabled);
        builder.detail("probes.failing", failing.size());
        int listed = 0;
        for (Map.Entry<String, ProbeStatusBoard.Status> e : failing.entrySet()) {
            if (listed++ == MAX_LISTED) {
                break;
            }
            builder.detail("probe." + e.getKey(), "failing since " + e.getValue().failingSince() + ": "
                    + e.getValue().lastError());
        }
        builder.message(failing.isEmpty() ? enabled + " probe(s), none failing"
                : failing.size() + " of " + enabled + " probe(s) failing: " + String.join(", ", failing.keySet()));
        builder.up();
    }
}
