package dev.alerthub.ops;

import dev.alerthub.metrics.Metrics;
import dev.alerthub.ops.validate.Problem;
import dev.alerthub.ops.validate.RouteFile;
import dev.alerthub.ops.validate.RouteValidator;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Route;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.EventHelper;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Camel's route reload, made safe: on a change under the routes folder, every route file is first
 * validated against the running hub's beans and properties, in a context of its own. A set that
 * does not validate is rejected with {@code file:line: message} in the log and the running routes
 * are left alone. A valid set is applied file by file: only the routes of changed, new or deleted
 * files are replaced, so editing the router never takes the webhook down; a change to a route
 * configuration or template (which other files' routes use) reloads every route.
 * (Camel's own reload removes every route first, so a typo leaves the hub without routes; it also
 * loads a file once per route it holds, which fails on duplicate ids.)
 * <p>
 * Changes are found by looking at the route files (MountedFolder: each once, through the names the
 * folder shows) every second, not by Camel's file watcher: that one ignores a changed link to a
 * folder, so a Kubernetes ConfigMap update (a new {@code ..<timestamp>/} folder and an atomic swap
 * of the {@code ..data} link) would go unseen, and it stops watching altogether once a watched
 * folder is deleted (the old {@code ..<timestamp>/}).
 */
public final class SafeRouteReload extends ServiceSupport implements CamelContextAware {
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(SafeRouteReload.class);
    /** Entries other files' routes depend on: a change to one of these reloads everything. */
    private static final Set<String> SHARED = Set.of("routeConfiguration", "routeTemplate", "beans", "errorHandler",
            "restConfiguration");

    private final Path routesDir;
    private final Metrics metrics;
    /** What the running routes were loaded from: file, its text, and whether it holds shared entries. */
    private final Map<Path, String> loadedText = new HashMap<>();
    private final Map<Path, Boolean> loadedShared = new HashMap<>();

    private CamelContext context;
    private ScheduledExecutorService poller;
    /** Names, sizes and times of the route files when last looked at. */
    private String seen;

    public SafeRouteReload(Path routesDir, Metrics metrics) {
        this.routesDir = routesDir;
        this.metrics = metrics;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
    }

    @Override
    protected void doStart() {
        // the hub loaded exactly these files at start-up
        seen = look();
        for (Path f : RouteValidator.routeFiles(routesDir)) {
            remember(f);
        }
        poller = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "SafeRouteReload");
        poller.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Route reload: on, looking at {} every {} s", routesDir, POLL.toSeconds());
    }

    @Override
    protected void doStop() {
        if (poller != null) {
            context.getExecutorServiceManager().shutdownNow(poller);
            poller = null;
        }
    }

    private void poll() {
        try {
            String now = look();
            if (!now.equals(seen)) {
                seen = now;
                reload();
            }
        } catch (RuntimeException e) {
            LOG.warn("Route reload: cannot look at {}: {}", routesDir, e.getMessage());
        }
    }

    /** What changes when a file is saved, added, removed, or a ConfigMap's ..data is swapped. */
    private String look() {
        StringBuilder sb = new StringBuilder();
        for (Path f : RouteValidator.routeFiles(routesDir)) {
            try {
                sb.append(f).append(' ').append(Files.size(f)).append(' ').append(Files.getLastModifiedTime(f)).append('\n');
            } catch (IOException e) {
                sb.append(f).append(" gone\n"); // removed while looking: the next look settles it
            }
        }
        return sb.toString();
    }

    synchronized void reload() {
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
            return;
        }
        try {
            Set<Path> changed = new LinkedHashSet<>();
            for (Path f : files) {
                if (!Files.readString(f).equals(loadedText.get(f))) {
                    changed.add(f);
                }
            }
            Set<Path> deleted = new HashSet<>(loadedText.keySet());
            deleted.removeAll(files);
            if (changed.isEmpty() && deleted.isEmpty()) {
                return;
            }
            boolean everything = deleted.stream().anyMatch(f -> loadedShared.getOrDefault(f, true));
            for (Path f : changed) {
                everything |= loadedShared.getOrDefault(f, false) || shared(f);
            }
            long replacing = System.nanoTime();
            boolean all = everything;
            Set<String> ids = whileGated(() -> all ? replaceAll(context, files)
                    : replace(context, changed, deleted, loadedText));
            int index = 1;
            for (String id : ids) {
                Route route = context.getRoute(id);
                if (route != null) {
                    EventHelper.notifyRouteReloaded(context, route, index++, ids.size());
                }
            }
            loadedText.clear();
            loadedShared.clear();
            for (Path f : files) {
                remember(f);
            }
            LOG.info("Routes reloaded: {} ({} routes; validated in {} ms, replaced in {} ms)",
                    everything ? "all files" : changed.size() + deleted.size() + " changed file(s)", ids.size(),
                    validatedMs, (System.nanoTime() - replacing) / 1_000_000);
            metrics.count("alerthub.routes.reloads", "outcome", "applied");
        } catch (Exception e) {
            LOG.error("Route reload failed after validation: {}", e.getMessage(), e);
            metrics.count("alerthub.routes.reloads", "outcome", "failed");
        }
    }

    private interface Replacement {
        Set<String> run() throws Exception;
    }

    /**
     * While routes are replaced, a request that finds its HTTP route missing for a moment gets 503
     * (Alertmanager retries it), not Vert.x's 404 (it would not): SafeRouteReloadTest posts throughout.
     */
    private Set<String> whileGated(Replacement replacement) throws Exception {
        ServingGate gate = context.getRegistry().lookupByNameAndType(ServingGate.BEAN, ServingGate.class);
        if (gate != null) {
            gate.reloading(true);
        }
        try {
            return replacement.run();
        } finally {
            if (gate != null) {
                gate.reloading(false);
            }
        }
    }

    /**
     * Every route again, each replaced by id in turn (not all removed first: the webhook route is
     * down only while it is itself replaced), then routes no file defines any more are removed.
     */
    private static Set<String> replaceAll(CamelContext context, List<Path> files) throws Exception {
        Set<String> ids = PluginHelper.getRoutesLoader(context).updateRoutes(resources(context, files));
        for (Route r : List.copyOf(context.getRoutes())) {
            if (!ids.contains(r.getRouteId())) {
                context.getRouteController().stopRoute(r.getRouteId());
                context.removeRoute(r.getRouteId());
                LOG.info("Route {} removed: no longer in the route files", r.getRouteId());
            }
        }
        return ids;
    }

    /** Replaces the routes of changed files (by id), and removes routes whose file or entry is gone. */
    private static Set<String> replace(CamelContext context, Set<Path> changed, Set<Path> deleted,
                                       Map<Path, String> before) throws Exception {
        Set<String> ids = changed.isEmpty() ? Set.of()
                : PluginHelper.getRoutesLoader(context).updateRoutes(resources(context, changed));
        Set<String> gone = new HashSet<>();
        for (Route r : context.getRoutes()) {
            // a route made from a template names the template's file as its source: find it instead
            // by the templatedRoute entries the file had before (a deleted or renamed probe, say)
            Path source = madeFrom(context, r, before, changed, deleted);
            if (source == null) {
                source = sourceOf(r);
            }
            if (source != null && (deleted.contains(source) || (changed.contains(source) && !ids.contains(r.getRouteId())))) {
                gone.add(r.getRouteId());
            }
        }
        for (String id : gone) {
            context.getRouteController().stopRoute(id);
            context.removeRoute(id);
            LOG.info("Route {} removed: no longer in the route files", id);
        }
        return ids;
    }

    /** The changed or deleted file whose earlier templatedRoute made this route, or null. */
    private static Path madeFrom(CamelContext context, Route r, Map<Path, String> before, Set<Path> changed,
                                 Set<Path> deleted) {
        RouteDefinition def = ((ModelCamelContext) context).getRouteDefinition(r.getRouteId());
        if (def == null || def.getTemplateParameters() == null) {
            return null;
        }
        for (Path f : before.keySet()) {
            if (!changed.contains(f) && !deleted.contains(f)) {
                continue;
            }
            for (RouteFile.TemplatedRoute tr : RouteFile.of(f, before.get(f)).templatedRoutes()) {
                if (tr.routeId() != null ? tr.routeId().equals(r.getRouteId()) : sameParameters(tr, def)) {
                    return f;
                }
            }
        }
        return null;
    }

    /** Every literal parameter of the entry (placeholders aside) has the route's value, and there is one. */
    private static boolean sameParameters(RouteFile.TemplatedRoute tr, RouteDefinition def) {
        boolean any = false;
        for (RouteFile.Parameter p : tr.parameters()) {
            if (p.value() == null || p.value().contains("{{")) {
                continue;
            }
            Object actual = def.getTemplateParameters().get(p.name());
            if (actual == null || !p.value().trim().equals(String.valueOf(actual).trim())) {
                return false;
            }
            any = true;
        }
        return any;
    }

    private static List<Resource> resources(CamelContext context, Collection<Path> files) {
        List<Resource> out = new ArrayList<>();
        for (Path f : files) {
            out.add(ResourceHelper.resolveResource(context, "file:" + f));
        }
        return out;
    }

    private static Path sourceOf(Route r) {
        Resource res = r.getSourceResource();
        if (res == null || res.getLocation() == null || !res.getLocation().startsWith("file:")) {
            return null;
        }
        return Path.of(res.getLocation().substring("file:".length())).toAbsolutePath().normalize();
    }

    private void remember(Path f) {
        try {
            loadedText.put(f, Files.readString(f));
            loadedShared.put(f, shared(f));
        } catch (IOException e) {
            loadedText.remove(f);
        }
    }

    private static boolean shared(Path f) {
        try {
            return RouteFile.read(f).topLevelKinds().stream().anyMatch(SHARED::contains);
        } catch (IOException e) {
            return true;
        }
    }
}
