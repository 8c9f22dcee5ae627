package dev.alerthub.probe;

import org.apache.camel.util.StringHelper;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ModelLifecycleStrategy;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns each route Camel creates from a probe template into a {@link ProbeSpec}, as the route is
 * added (at start-up and on a route reload): the template's parameters are the probe. It also gives
 * the route the id {@code probe-<id>} (unless the file names one), derives the Quartz interval in
 * milliseconds from {@code every} (Quartz cannot read "15s") and the probe's phase. A probe with
 * {@code enabled: false} never gets here: the template's precondition leaves its route out.
 */
public class ProbeRegistry implements ModelLifecycleStrategy {
    static final String EVERY_MILLIS = "everyMillis";
    static final String START_DELAY = "startDelayMillis";
    /** Quartz treats a start further in the past than its misfire threshold (60 s) as a misfire. */
    private static final long MAX_PHASE = 55_000;

    private final CamelContext context;
    private final ProbeDataSources dataSources;
    private final Map<String, ProbeSpec> byRoute = new ConcurrentHashMap<>();
    private final Map<String, String> routeOfProbe = new ConcurrentHashMap<>();

    public ProbeRegistry(CamelContext context, ProbeDataSources dataSources) {
        this.context = context;
        this.dataSources = dataSources;
    }

    /** The probe a route evaluates, or null when the route is not a probe. */
    public ProbeSpec forRoute(String routeId) {
        return routeId == null ? null : byRoute.get(routeId);
    }

    /** Every loaded (enabled) probe, by id. */
    public List<ProbeSpec> all() {
        return byRoute.values().stream().sorted(Comparator.comparing(ProbeSpec::id)).toList();
    }

    public String routeId(String probeId) {
        return routeOfProbe.get(probeId);
    }

    @Override
    public void onAddRouteTemplateDefinition(RouteTemplateDefinition template) {
        // nothing to do: routes made from it are recognised by their group
    }

    @Override
    public void onAddRouteDefinition(RouteDefinition route) {
        Map<String, Object> params = route.getTemplateParameters();
        ProbeKind kind = ProbeKind.ofGroup(route.getGroup());
        if (params == null || kind == null || !route.isCreatedFromTemplate()) {
            return;
        }
        Map<String, String> given = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            // Camel adds a dashed twin of every defaulted parameter (noData and no-data): keep one spelling
            String name = k.contains("-") ? StringHelper.dashToCamelCase(k) : k;
            if (!name.equals(EVERY_MILLIS) && !name.equals(START_DELAY) && v != null && (name.equals(k) || !params.containsKey(name))) {
                given.put(name, ProbeSpec.TEMPLATED.contains(name) ? v.toString() : resolve(name, v.toString(), params));
            }
        });
        ProbeSpec spec;
        try {
            spec = ProbeSpec.parse(kind, declared(kind), given);
        } catch (InvalidProbeException e) {
            throw new IllegalArgumentException("probe '" + params.get("id") + "': " + e.getMessage(), e);
        }
        String routeId = route.hasCustomIdAssigned() ? route.getId() : "probe-" + spec.id();
        String existing = routeOfProbe.get(spec.id());
        if (existing != null && !existing.equals(routeId)) {
            throw new IllegalArgumentException("probe '" + spec.id() + "': the id is used by two probes");
        }
        if (!route.hasCustomIdAssigned()) {
            route.setId(routeId);
        }
        if (spec.schedule().every() != null) {
            params.put(EVERY_MILLIS, String.valueOf(spec.schedule().every().toMillis()));
        }
        params.put(START_DELAY, String.valueOf(startDelay(spec)));
        if (spec.enabled() && spec.kind() == ProbeKind.SQL) {
            try {
                dataSources.require(spec.datasource());
            } catch (InvalidProbeException e) {
                throw new IllegalArgumentException("probe '" + spec.id() + "': " + e.getMessage(), e);
            }
        }
        register(routeId, spec);
    }

    /** What the probe's route template declares: the templates are the one schema of a probe. */
    private List<ProbeSpec.Declared> declared(ProbeKind kind) {
        RouteTemplateDefinition template = ((ModelCamelContext) context).getRouteTemplateDefinition(kind.template());
        if (template == null || template.getTemplateParameters() == null) {
            return List.of();
        }
        return template.getTemplateParameters().stream().map(d -> new ProbeSpec.Declared(d.getName(),
                d.isRequired() && d.getDefaultValue() == null, d.getDefaultValue())).toList();
    }

    void register(String routeId, ProbeSpec spec) {
        byRoute.put(routeId, spec);
        routeOfProbe.put(spec.id(), routeId);
    }

    /**
     * Always in the past (Quartz may fire a few ms early, and Camel skips a firing before its trigger's
     * start time); for an interval, further back by a phase taken from the id, so each probe fires at
     * its own offset within the interval.
     */
    static long startDelay(ProbeSpec spec) {
        long phase = 0;
        if (spec.schedule().every() != null) {
            long range = Math.min(spec.schedule().every().toMillis(), MAX_PHASE);
            long hash = java.util.UUID.nameUUIDFromBytes(spec.id().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .getMostSignificantBits();
            phase = Math.floorMod(hash, range);
        }
        return -1000 - phase;
    }


    private String resolve(String name, String value, Map<String, Object> params) {
        try {
            return context.resolvePropertyPlaceholders(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("probe '" + params.get("id") + "': parameter '" + name + "': "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void onRemoveRouteDefinition(RouteDefinition route) {
        if (route == null || route.getId() == null) {
            return; // Camel asks to remove a route that was never there before adding one
        }
        ProbeSpec spec = byRoute.remove(route.getId());
        if (spec != null) {
            routeOfProbe.remove(spec.id(), route.getId());
        }
    }

    @Override
    public void onRemoveRouteTemplateDefinition(RouteTemplateDefinition template) {
        // the routes made from it are removed one by one
    }
}
