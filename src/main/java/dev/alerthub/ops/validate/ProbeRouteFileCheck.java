package dev.alerthub.ops.validate;

import dev.alerthub.probe.ProbeFileCheck;
import dev.alerthub.probe.ProbeKind;
import org.apache.camel.CamelContext;

import java.nio.file.Path;
import java.util.List;

/**
 * The probe checks (values, datasources, duplicate ids, parameter names) for {@code alerthub validate}
 * and for route reload, which pick up every RouteFileCheck bean. It lives with the checker, not with
 * the probes: the checker (ops) may use the probes' rules, the probes may not depend on the checker.
 */
public final class ProbeRouteFileCheck implements RouteFileCheck {
    private final Path routesDir;
    private final ProbeFileCheck.Environment environment;

    public ProbeRouteFileCheck(Path routesDir, ProbeFileCheck.Environment environment) {
        this.routesDir = routesDir;
        this.environment = environment;
    }

    @Override
    public List<Problem> check(RouteFile file, CamelContext validation) {
        // only probe files: other templates are the generic template check's business
        boolean probeFile = file.templatedRoutes().stream().anyMatch(t -> java.util.Arrays.stream(ProbeKind.values())
                .anyMatch(k -> k.template().equals(t.templateRef())));
        if (!probeFile) {
            return List.of();
        }
        ProbeFileCheck probes = ProbeFileCheck.forRoutesDir(routesDir, environment);
        if (!probes.knowsProbeTemplates()) {
            return List.of();
        }
        return probes.check(List.of(file.path())).stream()
                .map(p -> new Problem(p.file(), p.line(), p.message()))
                .toList();
    }
}
