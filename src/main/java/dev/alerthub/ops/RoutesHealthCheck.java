package dev.alerthub.ops;

import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.spi.SupervisingRouteController;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Readiness from the routes. Camel's own per-route checks turn a route an operator stopped over JMX
 * (a sink during an outage, say) into "not ready", which would take the webhook off every replica
 * at once. Here only what stops the hub from serving counts: an HTTP intake route that is not
 * running, or a route that failed to start and gave up. Stopped and suspended routes are listed as
 * details.
 */
public final class RoutesHealthCheck extends AbstractHealthCheck {

    public RoutesHealthCheck() {
        super("alerthub", "routes");
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        var context = getCamelContext();
        Map<String, Object> notRunning = new TreeMap<>();
        List<String> intakeDown = new java.util.ArrayList<>();
        for (Route r : context.getRoutes()) {
            ServiceStatus status = context.getRouteController().getRouteStatus(r.getRouteId());
            if (status == null || status.isStarted()) {
                continue;
            }
            notRunning.put(r.getRouteId(), status.name());
            if (r.getEndpoint().getEndpointUri().startsWith("platform-http:")) {
                intakeDown.add(r.getRouteId());
            }
        }
        List<String> failed = new java.util.ArrayList<>();
        boolean starting = false;
        if (context.getRouteController() instanceof SupervisingRouteController src) {
            src.getExhaustedRoutes().forEach(r -> failed.add(r.getRouteId()));
            // the supervising controller starts routes in the background after the context has started
            starting = src.isStartingRoutes();
        }
        builder.detail("routes.total", context.getRoutes().size());
        notRunning.forEach((id, status) -> builder.detail("route." + id, status));
        if (starting) {
            builder.down().message("routes are starting");
        } else if (!intakeDown.isEmpty()) {
            builder.down().message("HTTP routes not running: " + String.join(", ", intakeDown));
        } else if (!failed.isEmpty()) {
            builder.down().message("routes failed to start: " + String.join(", ", failed));
        } else {
            builder.up();
        }
    }
}
