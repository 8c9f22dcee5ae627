package dev.alerthub.ops;

import dev.alerthub.admin.HubMetrics;
import dev.alerthub.ops.validate.Problem;
import dev.alerthub.ops.validate.RouteValidator;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * Camel's route reload, made safe: on a change under the routes folder, every route file is first
 * validated against the running hub's beans and properties, in a context of its own. A file that
 * does not validate is rejected with {@code file:line: message} in the log and the running routes
 * are left alone; only a valid set replaces them. (Camel's own reload removes every route first and
 * so leaves the hub without routes after a typo.)
 */
public final class SafeRouteReload extends RouteWatcherReloadStrategy {
    private static final Logger LOG = LoggerFactory.getLogger(SafeRouteReload.class);

    private final Path routesDir;
    private final HubMetrics metrics;

    public SafeRouteReload(Path routesDir, HubMetrics metrics) {
        super(routesDir.toString(), true);
        this.routesDir = routesDir;
        this.metrics = metrics;
        setPattern("*" + RouteValidator.ROUTE_FILE_SUFFIX);
        setRemoveAllRoutes(true);
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        List<Problem> problems = new RouteValidator(getCamelContext().getRegistry(),
                getCamelContext().getPropertiesComponent()).validate(RouteValidator.routeFiles(routesDir));
        if (!problems.isEmpty()) {
            for (Problem p : problems) {
                LOG.error("Route reload rejected: {}", p.format(routesDir.getParent()));
            }
            LOG.error("Route reload rejected ({} problem(s)); the running routes are unchanged. Fix the file and save it again,"
                    + " or check it with: java -jar alerthub.jar validate", problems.size());
            metrics.count("alerthub.routes.reloads", "outcome", "rejected");
            return;
        }
        try {
            super.onRouteReload(resources, removeEverything);
            metrics.count("alerthub.routes.reloads", "outcome", "applied");
        } catch (RuntimeException e) {
            LOG.error("Route reload failed after validation: {}", e.getMessage(), e);
            metrics.count("alerthub.routes.reloads", "outcome", "failed");
        }
    }
}
