package dev.alerthub.ops.validate;

import dev.alerthub.config.MountedFolder;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.NoSuchBeanException;
import org.apache.camel.NoSuchEndpointException;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.StartupSummaryLevel;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads route files the way the hub does, into a throwaway Camel context that is never allowed to
 * start a route: every endpoint, bean reference, placeholder, route configuration and template is
 * resolved, so what would fail at start-up fails here, but no consumer runs and nothing is sent.
 * Beans and properties are the hub's own (its registry and properties component), read-only.
 */
public final class RouteValidator {
    /** The hub loads exactly these files from its routes folder. */
    public static final String ROUTE_FILE_SUFFIX = ".camel.yaml";
    /** Files that define what other files refer to are loaded first, like camel-main does. */
    private static final Set<String> DEFINITIONS = Set.of("routeConfiguration", "routeTemplate", "beans",
            "errorHandler", "restConfiguration");
    private static final Pattern LINE = Pattern.compile("line (\\d+), column \\d+");
    private static final Pattern MISSING_PROPERTY = Pattern.compile("Property with key \\[([^\\]]+)\\] not found");
    private static final Pattern MISSING_TEMPLATE_PARAMS =
            Pattern.compile("Route template (\\S+) the following mandatory parameters must be provided: (.+)");
    private static final Pattern UNKNOWN_KEY = Pattern.compile("(Unknown node id|Unsupported field): (\\S+)");
    private static final Pattern DUPLICATE_ID = Pattern.compile("Duplicate id detected: (\\S+)");

    private final Registry hubBeans;
    private final PropertiesComponent hubProperties;
    private final List<RouteFileCheck> checks = new ArrayList<>();

    /**
     * @param hubBeans      the hub's registry (beans the routes refer to)
     * @param hubProperties the hub's properties (placeholders the routes use)
     */
    public RouteValidator(Registry hubBeans, PropertiesComponent hubProperties) {
        this.hubBeans = hubBeans;
        this.hubProperties = hubProperties;
        checks.add(new TemplateParameterCheck());
        if (hubBeans != null) {
            checks.addAll(hubBeans.findByType(RouteFileCheck.class));
        }
    }

    public RouteValidator withCheck(RouteFileCheck check) {
        checks.add(check);
        return this;
    }

    /** Route files under a folder (recursively, each once: see MountedFolder), in a stable order. */
    public static List<Path> routeFiles(Path dir) {
        return MountedFolder.files(dir, ROUTE_FILE_SUFFIX);
    }

    /** Every problem in these files, sorted by file and line; empty when all are valid. */
    public List<Problem> validate(Collection<Path> paths) {
        return validate(paths, List.of());
    }

    /**
     * Like {@link #validate(Collection)}, with the route configurations, templates and beans of other
     * files available (so one file can be checked on its own): of {@code context}, the files that
     * define only such things are loaded first, and their own problems are not reported.
     */
    public List<Problem> validate(Collection<Path> paths, Collection<Path> context) {
        List<RouteFile> definitions = definitionsOnly(context, paths);
        Set<Problem> problems = new LinkedHashSet<>();
        List<RouteFile> files = new ArrayList<>();
        for (Path p : paths) {
            try {
                RouteFile f = RouteFile.read(p);
                if (f.syntaxProblem().isPresent()) {
                    problems.add(f.syntaxProblem().get());
                } else if (f.topLevelKinds().isEmpty()) {
                    // also what a reload sees of a file an editor has just truncated
                    problems.add(new Problem(p, 1, "defines nothing (no route, routeConfiguration or routeTemplate)"));
                } else {
                    files.add(f);
                }
            } catch (IOException e) {
                problems.add(new Problem(p, 1, "cannot read: " + e.getMessage()));
            }
        }
        if (!files.isEmpty()) {
            problems.addAll(loadAndCheck(definitions, files));
        }
        // several checks may see the same mistake (a misspelt template parameter): one line each
        Map<String, Problem> first = new java.util.LinkedHashMap<>();
        for (Problem p : problems) {
            first.putIfAbsent(p.file() + ":" + p.line(), p);
        }
        return first.values().stream()
                .sorted(Comparator.comparing((Problem p) -> p.file().toString()).thenComparingInt(Problem::line))
                .toList();
    }

    /** Of the context files not validated themselves, those that only define (configurations, templates, beans). */
    private static List<RouteFile> definitionsOnly(Collection<Path> context, Collection<Path> paths) {
        List<RouteFile> definitions = new ArrayList<>();
        for (Path c : context) {
            if (paths.contains(c)) {
                continue;
            }
            try {
                RouteFile f = RouteFile.read(c);
                if (f.syntaxProblem().isEmpty() && !f.topLevelKinds().isEmpty()
                        && DEFINITIONS.containsAll(f.topLevelKinds())) {
                    definitions.add(f);
                }
            } catch (IOException e) {
                // context only
            }
        }
        return definitions;
    }

    /** Loads the definitions, then the files (definitions first), into a validation context, and runs the checks. */
    private List<Problem> loadAndCheck(List<RouteFile> definitions, List<RouteFile> files) {
        List<Problem> problems = new ArrayList<>();
        DefaultCamelContext ctx = validationContext();
        try {
            ctx.start();
            for (RouteFile f : definitions) {
                try {
                    PluginHelper.getRoutesLoader(ctx).loadRoutes(ResourceHelper.resolveResource(ctx, "file:" + f.path()));
                } catch (Exception e) {
                    // reported when that file itself is validated
                }
            }
            List<RouteFile> ordered = new ArrayList<>(files);
            ordered.sort(Comparator.comparing(f -> f.topLevelKinds().stream().anyMatch(DEFINITIONS::contains) ? 0 : 1));
            for (RouteFile f : ordered) {
                try {
                    Resource r = ResourceHelper.resolveResource(ctx, "file:" + f.path());
                    PluginHelper.getRoutesLoader(ctx).loadRoutes(r);
                } catch (Exception e) {
                    problems.addAll(explain(e, f));
                }
            }
            for (RouteFile f : files) {
                for (RouteFileCheck check : checks) {
                    try {
                        problems.addAll(check.check(f, ctx));
                    } catch (RuntimeException e) {
                        problems.add(new Problem(f.path(), 1, check.getClass().getSimpleName() + " failed: " + e));
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("validation context failed: " + e.getMessage(), e);
        } finally {
            ctx.stop();
        }
        return problems;
    }

    private DefaultCamelContext validationContext() {
        DefaultRegistry registry = hubBeans == null ? new DefaultRegistry() : new DefaultRegistry(List.of(hubBeans));
        DefaultCamelContext ctx = new DefaultCamelContext(registry);
        ctx.getCamelContextExtension().setName("alerthub-validate");
        // its routes must never run, and it must not appear next to the hub's MBeans
        ctx.setAutoStartup(false);
        ctx.disableJMX();
        ctx.setStartupSummaryLevel(StartupSummaryLevel.Off);
        ctx.getCamelContextExtension().setDescription("alerthub route validation");
        try {
            ctx.addService(new InertClusterService());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (hubProperties != null) {
            ctx.getPropertiesComponent().addPropertiesSource(new PropertiesSource() {
                @Override
                public String getName() {
                    return "alerthub";
                }

                @Override
                public String getProperty(String name) {
                    return hubProperties.resolveProperty(name).orElse(null);
                }
            });
        }
        return ctx;
    }

    /** Camel's error, as problems pointing at the line that causes it. */
    List<Problem> explain(Exception e, RouteFile f) {
        Path p = f.path();
        String routeId = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FailedToCreateRouteException fc) {
                routeId = fc.getRouteId();
            }
        }
        int routeLine = Math.max(1, f.lineOfRouteId(routeId));
        String inRoute = routeId == null ? "" : " (route " + routeId + ")";
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        List<Problem> byCause = explainCause(e, f, routeLine, inRoute);
        if (byCause != null) {
            return byCause;
        }
        String message = firstLine(root.getMessage() == null ? root.toString() : root.getMessage());
        Matcher mt = MISSING_TEMPLATE_PARAMS.matcher(message);
        if (mt.find()) {
            String template = mt.group(1);
            int line = f.templatedRoutes().stream().filter(tr -> template.equals(tr.templateRef()))
                    .mapToInt(RouteFile.TemplatedRoute::line).findFirst().orElse(routeLine);
            List<Problem> out = new ArrayList<>();
            for (String param : mt.group(2).split(",\\s*")) {
                out.add(new Problem(p, line, "route template '" + template + "' needs parameter '" + param.trim() + "'"));
            }
            return out;
        }
        Matcher md = DUPLICATE_ID.matcher(fullMessage(e));
        if (md.find()) {
            int line = f.lineOfRouteId(md.group(1));
            return List.of(new Problem(p, line > 0 ? line : routeLine, "route id '" + md.group(1)
                    + "' is already used by another route"));
        }
        // YAML DSL errors (unknown key, unknown field, bad value) carry the line themselves
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher ml = t.getMessage() == null ? null : LINE.matcher(t.getMessage());
            if (ml != null && ml.find()) {
                String text = firstLine(t.getMessage());
                Matcher mk = UNKNOWN_KEY.matcher(text);
                if (mk.matches()) {
                    text = "unknown key '" + mk.group(2) + "'" + TemplateParameterCheck.suggestion(mk.group(2), DslKeys.all());
                }
                return List.of(new Problem(p, Integer.parseInt(ml.group(1)), text));
            }
        }
        return List.of(new Problem(p, routeLine, message + inRoute));
    }

    /** A missing bean, component or placeholder, or a bad endpoint, anywhere in the causes; else null. */
    private List<Problem> explainCause(Exception e, RouteFile f, int routeLine, String inRoute) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NoSuchBeanException nb && nb.getName() != null) {
                int line = f.lineOf("ref: " + nb.getName());
                line = line > 0 ? line : f.lineOfWord(nb.getName());
                return List.of(new Problem(f.path(), line > 0 ? line : routeLine, "no bean named '" + nb.getName()
                        + "'" + TemplateParameterCheck.suggestion(nb.getName(), beanNames()) + inRoute));
            }
            if (t instanceof NoSuchEndpointException ne) {
                String scheme = ne.getUri().contains(":") ? ne.getUri().substring(0, ne.getUri().indexOf(':')) : ne.getUri();
                int line = f.lineOf(scheme + ":");
                return List.of(new Problem(f.path(), line > 0 ? line : routeLine, "unknown endpoint '" + ne.getUri()
                        + "': no component '" + scheme + "'" + inRoute));
            }
            Matcher mp = t.getMessage() == null ? null : MISSING_PROPERTY.matcher(t.getMessage());
            if (mp != null && mp.find()) {
                String key = mp.group(1);
                int line = f.lineOf("{{" + key);
                return List.of(new Problem(f.path(), line > 0 ? line : routeLine, "unresolvable placeholder {{" + key
                        + "}}: set it in application.properties, as -D" + key + "= or as environment variable "
                        + key.toUpperCase().replaceAll("[^A-Z0-9]", "_") + inRoute));
            }
            if (t instanceof ResolveEndpointFailedException re) {
                String uri = re.getUri() == null ? "" : re.getUri();
                String base = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
                int line = f.lineOf(base.replace("://", ":"));
                line = line > 0 ? line : f.lineOf(base);
                return List.of(new Problem(f.path(), line > 0 ? line : routeLine, firstLine(re.getMessage()) + inRoute));
            }
        }
        return null;
    }

    private Set<String> beanNames() {
        return hubBeans == null ? Set.of() : hubBeans.findByTypeWithName(Object.class).keySet();
    }

    private static String fullMessage(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String first = s.strip().lines().findFirst().orElse("");
        return first.replaceAll("\\s+in file:\\S+$", "").strip();
    }
}
