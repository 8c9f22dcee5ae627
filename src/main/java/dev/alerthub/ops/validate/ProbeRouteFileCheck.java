package dev.alerthub.ops.validate;

import dev.alerthub.config.MountedFolder;
import dev.alerthub.probe.InvalidProbeException;
import dev.alerthub.probe.ProbeKind;
import dev.alerthub.probe.ProbeSpec;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The probe rules of the route-file checker: every {@code templatedRoute} of the {@code promql-probe}
 * and {@code sql-probe} templates is checked against the parameters those templates declare
 * (routes/probes/templates.camel.yaml, read through {@link RouteFile}: the one schema of a probe), and
 * its values against {@link ProbeSpec#parse}: an unknown or misspelt parameter (with the likely name),
 * a missing required one, a value the probe cannot use, an id used twice, a datasource that is not
 * configured. Camel itself ignores unknown template parameters and names neither the file nor the line
 * of a missing one.
 * <p>
 * Used by {@code alerthub validate} and route reload (as a RouteFileCheck bean) and, over the whole
 * routes folder, by the start-up check in OperationsConfiguration:
 * <pre>{@code
 * ProbeRouteFileCheck.Result r = new ProbeRouteFileCheck(Path.of("routes"), context.getPropertiesComponent()).checkAll();
 * r.problems().forEach(System.out::println);   // routes/probes/checkout.camel.yaml:16: probe 'checkout': ...
 * }</pre>
 * It lives with the checker, not with the probes: the checker (ops) may use the probes' rules, the
 * probes may not depend on the checker.
 */
public final class ProbeRouteFileCheck implements RouteFileCheck {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{[^{}]+}}");

    /** The problems of the files checked, and the probes they define (those with problems left out). */
    public record Result(List<Problem> problems, List<ProbeSpec> probes) {
    }

    private final Path routesDir;
    private final PropertiesComponent properties;

    /**
     * @param properties resolves {@code {{name}}} placeholders and tells whether a datasource is
     *                   configured (the hub's own, so a check sees the values a run would); null to
     *                   check parameter names and literal values only
     */
    public ProbeRouteFileCheck(Path routesDir, PropertiesComponent properties) {
        this.routesDir = routesDir;
        this.properties = properties;
    }

    @Override
    public List<Problem> check(RouteFile file, CamelContext validation) {
        // only probe files: other templates are the generic template check's business
        boolean probeFile = file.templatedRoutes().stream().anyMatch(t -> ProbeKind.ofTemplate(t.templateRef()) != null);
        Map<String, List<ProbeSpec.Declared>> templates = templates(routeFiles(routesDir, new ArrayList<>()));
        if (!probeFile || templates.keySet().stream().noneMatch(id -> ProbeKind.ofTemplate(id) != null)) {
            return List.of();
        }
        return new Run(templates).check(List.of(file)).problems();
    }

    /** Every route file under the routes folder: each problem (YAML syntax too) and the probes defined. */
    public Result checkAll() {
        List<Problem> unreadable = new ArrayList<>();
        List<RouteFile> files = routeFiles(routesDir, unreadable);
        Result r = new Run(templates(files)).check(files);
        unreadable.addAll(r.problems());
        return new Result(unreadable, r.probes());
    }

    /** The route files under a folder that are YAML; the others are added to {@code unreadable}. */
    private static List<RouteFile> routeFiles(Path dir, List<Problem> unreadable) {
        List<RouteFile> files = new ArrayList<>();
        for (Path f : MountedFolder.files(dir, RouteValidator.ROUTE_FILE_SUFFIX)) {
            try {
                RouteFile rf = RouteFile.read(f);
                rf.syntaxProblem().ifPresentOrElse(unreadable::add, () -> files.add(rf));
            } catch (IOException e) {
                unreadable.add(new Problem(f, 1, "cannot read: " + e.getMessage()));
            }
        }
        return files;
    }

    /** The declared parameters of every route template in these files, by template id. */
    private static Map<String, List<ProbeSpec.Declared>> templates(Collection<RouteFile> files) {
        Map<String, List<ProbeSpec.Declared>> templates = new LinkedHashMap<>();
        for (RouteFile f : files) {
            for (RouteFile.RouteTemplate t : f.routeTemplates()) {
                templates.put(t.id(), t.parameters().stream()
                        .map(d -> new ProbeSpec.Declared(d.name(), d.required(), d.defaultValue())).toList());
            }
        }
        return templates;
    }

    /** One pass over some files: ids are unique across all of them. */
    private final class Run {
        private final Map<String, List<ProbeSpec.Declared>> templates;
        private final Map<String, Problem> ids = new LinkedHashMap<>();
        private final List<Problem> problems = new ArrayList<>();
        private final List<ProbeSpec> specs = new ArrayList<>();

        Run(Map<String, List<ProbeSpec.Declared>> templates) {
            this.templates = templates;
        }

        Result check(Collection<RouteFile> files) {
            for (RouteFile f : files) {
                for (RouteFile.TemplatedRoute tr : f.templatedRoutes()) {
                    checkTemplatedRoute(f.path(), tr);
                }
            }
            return new Result(List.copyOf(problems), List.copyOf(specs));
        }

        private void checkTemplatedRoute(Path f, RouteFile.TemplatedRoute tr) {
            if (tr.templateRef() == null) {
                problems.add(new Problem(f, tr.line(), "templatedRoute without routeTemplateRef"));
                return;
            }
            List<ProbeSpec.Declared> declared = templates.get(tr.templateRef());
            if (declared == null) {
                problems.add(new Problem(f, tr.line(), "unknown route template '" + tr.templateRef() + "'"
                        + ProbeSpec.suggestion(tr.templateRef(), List.copyOf(templates.keySet()))));
                return;
            }
            ProbeKind kind = ProbeKind.ofTemplate(tr.templateRef());
            if (kind == null) {
                return; // someone else's template: the generic template check and Camel check it
            }
            String probe = tr.parameters().stream().filter(p -> p.name().equals("id") && p.value() != null)
                    .findFirst().map(p -> "probe '" + p.value() + "'").orElse("probe");
            Map<String, RouteFile.Parameter> given = namesChecked(f, tr, declared, probe);
            if (given == null) {
                return;
            }
            Map<String, String> values = values(f, tr, given, probe);
            if (values == null) {
                return;
            }
            try {
                accept(f, tr, given, probe, ProbeSpec.parse(kind, declared, values));
            } catch (InvalidProbeException e) {
                problems.add(new Problem(f, lineOf(given, e.parameter(), tr), probe + ": " + e.getMessage()));
            }
        }

        /** The parameters given, by name; null (after saying why) when a name is wrong, doubled or missing. */
        private Map<String, RouteFile.Parameter> namesChecked(Path f, RouteFile.TemplatedRoute tr,
                                                             List<ProbeSpec.Declared> declared, String probe) {
            List<String> known = declared.stream().map(ProbeSpec.Declared::name).toList();
            Map<String, RouteFile.Parameter> given = new LinkedHashMap<>();
            int before = problems.size();
            for (RouteFile.Parameter p : tr.parameters()) {
                if (p.name().isBlank()) {
                    problems.add(new Problem(f, p.line(), probe + ": a parameter without a name"));
                } else if (!known.contains(p.name())) {
                    problems.add(new Problem(f, p.line(), probe + ": unknown parameter '" + p.name() + "'"
                            + ProbeSpec.suggestion(p.name(), known)));
                } else if (given.containsKey(p.name())) {
                    problems.add(new Problem(f, p.line(), probe + ": parameter '" + p.name() + "' is given twice"));
                } else if (!p.text()) {
                    problems.add(new Problem(f, p.valueLine(), probe + ": parameter '" + p.name()
                            + "': the value must be text; quote it, or use a block (value: |)"));
                } else {
                    given.put(p.name(), p);
                }
            }
            for (ProbeSpec.Declared d : declared) {
                if (d.required() && !given.containsKey(d.name())) {
                    problems.add(new Problem(f, tr.line(), probe + ": missing required parameter '" + d.name() + "'"));
                }
            }
            return problems.size() == before ? given : null;
        }

        /**
         * The given values with their placeholders resolved by the hub's properties; null when one
         * cannot be (said) or, with no properties, when a value depends on configuration.
         */
        private Map<String, String> values(Path f, RouteFile.TemplatedRoute tr, Map<String, RouteFile.Parameter> given,
                                           String probe) {
            Map<String, String> values = new LinkedHashMap<>();
            for (RouteFile.Parameter p : given.values()) {
                String v = p.value() == null ? "" : p.value();
                if (ProbeSpec.TEMPLATED.contains(p.name()) || !PLACEHOLDER.matcher(v).find()) {
                    values.put(p.name(), v); // parseUri would take plain text for a property key
                } else if (properties == null) {
                    return null; // values depend on configuration this check was not given
                } else {
                    try {
                        values.put(p.name(), properties.parseUri(v));
                    } catch (RuntimeException e) {
                        problems.add(new Problem(f, p.valueLine(), probe + ": parameter '" + p.name() + "': " + e.getMessage()));
                        return null;
                    }
                }
            }
            return values;
        }

        private void accept(Path f, RouteFile.TemplatedRoute tr, Map<String, RouteFile.Parameter> given, String probe,
                            ProbeSpec spec) {
            specs.add(spec);
            Problem here = new Problem(f, lineOf(given, "id", tr), "probe '" + spec.id() + "'");
            Problem first = ids.putIfAbsent(spec.id(), here);
            if (first != null) {
                problems.add(new Problem(f, here.line(), "probe '" + spec.id() + "': the id is already used at "
                        + first.file() + ":" + first.line()));
            }
            if (properties != null && spec.enabled() && spec.kind() == ProbeKind.SQL) {
                String key = "alerthub.datasources." + spec.datasource() + ".url";
                if (properties.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty()).isEmpty()) {
                    problems.add(new Problem(f, lineOf(given, "datasource", tr), probe + ": datasource '"
                            + spec.datasource() + "' is not configured: set " + key));
                }
            }
        }
    }

    private static int lineOf(Map<String, RouteFile.Parameter> given, String name, RouteFile.TemplatedRoute tr) {
        RouteFile.Parameter p = name == null ? null : given.get(name);
        return p == null ? tr.line() : p.valueLine();
    }
}
