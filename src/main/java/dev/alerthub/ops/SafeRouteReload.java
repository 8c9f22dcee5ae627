package dev.alerthub.ops;

import dev.alerthub.admin.HubMetrics;
import dev.alerthub.ops.validate.Problem;
import dev.alerthub.ops.validate.RouteValidator;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.EventHelper;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Camel's route reload, made safe: on a change under the routes folder, every route file is first
 * validated against the running hub's beans and properties, in a context of its own. A set that
 * does not validate is rejected with {@code file:line: message} in the log and the running routes
 * are left alone; a valid set replaces all routes, loaded from exactly the files that were
 * validated. (Camel's own reload removes every route first, so a typo leaves the hub without
 * routes; it also loads a file once per route it holds, which fails on duplicate ids.)
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
    }

    @Override
    protected void onRouteReload(Collection<Resource> changed, boolean removeEverything) {
        CamelContext context = getCamelContext();
        List<Path> files = RouteValidator.routeFiles(routesDir);
        long started = System.nanoTime();
        List<Problem> problems = new RouteValidator(context.getRegistry(), context.getPropertiesComponent()).validate(files);
        long validatedMs = (System.nanoTime() - started) / 1_000_000;
        if (!problems.isEmpty()) {
            for (Problem p : problems) {
                LOG.error("Route reload rejected: {}", p.format(routesDir.getParent()));
            }
            LOG.error("Route reload rejected ({} problem(s), validated in {} ms); the running routes are unchanged. Fix the"
                    + " file and save it again, or check it first with: java -jar alerthub.jar validate", problems.size(),
                    validatedMs);
            metrics.count("alerthub.routes.reloads", "outcome", "rejected");
            incFailedCounter();
            return;
        }
        try {
            List<Resource> resources = new ArrayList<>();
            for (Path f : files) {
                resources.add(ResourceHelper.resolveResource(context, "file:" + f));
            }
            context.getRouteController().removeAllRoutes();
            context.removeRouteTemplates("*");
            Set<String> ids = PluginHelper.getRoutesLoader(context).updateRoutes(resources);
            int index = 1;
            for (String id : ids) {
                Route route = context.getRoute(id);
                if (route != null) {
                    EventHelper.notifyRouteReloaded(context, route, index++, ids.size());
                }
            }
            LOG.info("Routes reloaded from {} ({} files, {} routes; validated in {} ms)", routesDir, files.size(),
                    ids.size(), validatedMs);
            metrics.count("alerthub.routes.reloads", "outcome", "applied");
            incSucceededCounter();
        } catch (Exception e) {
            LOG.error("Route reload failed after validation: {}", e.getMessage(), e);
            metrics.count("alerthub.routes.reloads", "outcome", "failed");
            incFailedCounter();
        }
    }
}
