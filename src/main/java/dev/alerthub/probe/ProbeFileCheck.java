package dev.alerthub.probe;

import dev.alerthub.config.MountedFolder;
import org.apache.camel.CamelContext;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks probe files (the {@code templatedRoute}s that use the {@code promql-probe} and
 * {@code sql-probe} route templates) before Camel loads them, and says {@code file:line: message}
 * for every problem: an unknown or misspelt parameter, a missing required one, a value the probe
 * cannot use, an id used twice, a datasource that is not configured. Camel itself ignores unknown
 * template parameters and names neither the file nor the line of a missing one.
 * <p>
 * The declared parameters are read from the route templates themselves (routes/probes/templates.camel.yaml),
 * so the templates stay the one schema. Usable without a running hub ({@code alerthub validate}):
 * <pre>{@code
 * List<ProbeFileCheck.Problem> problems = ProbeFileCheck.forRoutesDir(Path.of("routes"), null)
 *         .check(List.of(Path.of("routes/probes/checkout.camel.yaml")));
 * }</pre>
 */
public final class ProbeFileCheck {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}\\s][^{}]*?)\\s*}}");

    /** One problem in one file; prints as {@code file:line: message}. */
    public record Problem(Path file, int line, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + message;
        }
    }

    /** Where placeholders in probe values and the datasource settings come from. */
    public interface Environment {
        /** The text with its {@code {{...}}} placeholders resolved; IllegalArgumentException naming a missing one. */
        String resolve(String text);

        Optional<String> property(String key);

        /** Placeholders resolve as the hub resolves them, so a check sees the values a run would. */
        static Environment of(CamelContext context) {
            return new Environment() {
                @Override
                public String resolve(String text) {
                    try {
                        return context.resolvePropertyPlaceholders(text);
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException(e.getMessage(), e);
                    }
                }

                @Override
                public Optional<String> property(String key) {
                    return context.getPropertiesComponent().resolveProperty(key).map(String::trim);
                }
            };
        }

        /** An environment of plain properties ({@code {{name}}} and {@code {{name:default}}} placeholders). */
        static Environment of(Function<String, Optional<String>> properties) {
            return new Environment() {
                @Override
                public String resolve(String text) {
                    Matcher m = PLACEHOLDER.matcher(text);
                    StringBuilder sb = new StringBuilder();
                    while (m.find()) {
                        String key = m.group(1);
                        String fallback = null;
                        int colon = key.indexOf(':');
                        if (colon > 0) {
                            fallback = key.substring(colon + 1);
                            key = key.substring(0, colon);
                        }
                        String v = properties.apply(key).orElse(fallback);
                        if (v == null) {
                            throw new IllegalArgumentException("property '" + key + "' is not set");
                        }
                        m.appendReplacement(sb, Matcher.quoteReplacement(v));
                    }
                    m.appendTail(sb);
                    return sb.toString();
                }

                @Override
                public Optional<String> property(String key) {
                    return properties.apply(key);
                }
            };
        }
    }

    /** A parameter a route template declares. */
    public record Declared(String name, boolean required, String defaultValue) {
    }

    private final Map<String, Map<String, Declared>> templates;
    private final List<Problem> templateProblems;
    private final Environment properties;

    private ProbeFileCheck(Map<String, Map<String, Declared>> templates, List<Problem> templateProblems,
                           Environment properties) {
        this.templates = templates;
        this.templateProblems = templateProblems;
        this.properties = properties;
    }

    /**
     * A check that knows every route template under {@code routesDir}.
     *
     * @param properties resolves {@code {{name}}} placeholders and tells whether a datasource is
     *                   configured; null to check parameter names and literal values only
     */
    public static ProbeFileCheck forRoutesDir(Path routesDir, Environment properties) {
        return forTemplates(routeFiles(routesDir), properties);
    }

    /** A check that knows the route templates in these files. */
    public static ProbeFileCheck forTemplates(Collection<Path> templateFiles, Environment properties) {
        Map<String, Map<String, Declared>> templates = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        for (Path f : templateFiles) {
            Parsed parsed = parse(f);
            if (parsed.problem != null) {
                continue; // reported when the file itself is checked
            }
            for (Node entry : parsed.entries) {
                Node t = value(entry, "routeTemplate", "route-template");
                if (t == null) {
                    continue;
                }
                String id = scalar(value(t, "id"));
                if (id == null) {
                    continue;
                }
                Map<String, Declared> declared = new LinkedHashMap<>();
                Node params = value(t, "parameters");
                if (params instanceof SequenceNode seq) {
                    for (Node p : seq.getValue()) {
                        String name = scalar(value(p, "name"));
                        if (name != null) {
                            String def = scalar(value(p, "defaultValue", "default-value"));
                            String req = scalar(value(p, "required"));
                            declared.put(name, new Declared(name, def == null && !"false".equals(req), def));
                        }
                    }
                }
                templates.put(id, declared);
                ProbeKind kind = ProbeKind.ofTemplate(id);
                if (kind != null) {
                    List<String> expected = ProbeSpec.parameters(kind);
                    if (!new TreeSet<>(expected).equals(new TreeSet<>(declared.keySet()))) {
                        problems.add(new Problem(f, line(t), "route template '" + id + "' declares "
                                + new TreeSet<>(declared.keySet()) + " but the probe code expects " + new TreeSet<>(expected)));
                    }
                }
            }
        }
        return new ProbeFileCheck(templates, problems, properties);
    }

    /** Every {@code *.camel.yaml} under a folder, each once (see MountedFolder), in a stable order. */
    public static List<Path> routeFiles(Path routesDir) {
        return MountedFolder.files(routesDir, ".camel.yaml");
    }

    /** The declared parameters of every route template found, by template id. */
    public Map<String, Map<String, Declared>> templates() {
        return templates;
    }

    public boolean knowsProbeTemplates() {
        return templates.keySet().stream().anyMatch(id -> ProbeKind.ofTemplate(id) != null);
    }

    /** Checks these files; problems are in file order, then line order. */
    public List<Problem> check(Collection<Path> files) {
        return check(files, new ArrayList<>());
    }

    /** The probes these files define, enabled or not (those with problems left out). */
    public List<ProbeSpec> probes(Collection<Path> files) {
        List<ProbeSpec> specs = new ArrayList<>();
        check(files, specs);
        return specs;
    }

    private List<Problem> check(Collection<Path> files, List<ProbeSpec> specs) {
        List<Problem> problems = new ArrayList<>(templateProblems);
        Map<String, Problem> ids = new LinkedHashMap<>();
        for (Path f : files) {
            Parsed parsed = parse(f);
            if (parsed.problem != null) {
                problems.add(parsed.problem);
                continue;
            }
            for (Node entry : parsed.entries) {
                Node tr = value(entry, "templatedRoute", "templated-route");
                if (tr != null) {
                    checkTemplatedRoute(f, line(entry), tr, problems, ids, specs);
                }
            }
        }
        return problems;
    }

    private void checkTemplatedRoute(Path f, int at, Node tr, List<Problem> problems, Map<String, Problem> ids,
                                     List<ProbeSpec> specs) {
        String ref = scalar(value(tr, "routeTemplateRef", "route-template-ref"));
        if (ref == null) {
            problems.add(new Problem(f, at, "templatedRoute without routeTemplateRef"));
            return;
        }
        Map<String, Declared> declared = templates.get(ref);
        ProbeKind kind = ProbeKind.ofTemplate(ref);
        if (declared == null) {
            problems.add(new Problem(f, line(value(tr, "routeTemplateRef", "route-template-ref")),
                    "unknown route template '" + ref + "'" + ProbeSpec.suggestion(ref, List.copyOf(templates.keySet()))));
            return;
        }
        if (kind == null) {
            return; // someone else's template: Camel checks it
        }
        Map<String, String> given = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        String probe = "probe";
        boolean namesOk = true;
        Node params = value(tr, "parameters");
        List<Node> entries = params instanceof SequenceNode seq ? seq.getValue() : List.of();
        for (Node p : entries) {
            String id = scalar(value(p, "name"));
            if ("id".equals(id) && scalar(value(p, "value")) != null) {
                probe = "probe '" + scalar(value(p, "value")) + "'";
            }
        }
        for (Node p : entries) {
            Node nameNode = value(p, "name");
            String name = scalar(nameNode);
            int pl = line(p);
            if (name == null) {
                problems.add(new Problem(f, pl, probe + ": a parameter without a name"));
                namesOk = false;
                continue;
            }
            Node valueNode = value(p, "value");
            if (!declared.containsKey(name)) {
                problems.add(new Problem(f, line(nameNode), probe + ": unknown parameter '" + name + "'"
                        + ProbeSpec.suggestion(name, List.copyOf(declared.keySet()))));
                namesOk = false;
                continue;
            }
            if (given.containsKey(name)) {
                problems.add(new Problem(f, line(nameNode), probe + ": parameter '" + name + "' is given twice"));
                namesOk = false;
                continue;
            }
            if (valueNode != null && !(valueNode instanceof ScalarNode)) {
                problems.add(new Problem(f, line(valueNode), probe + ": parameter '" + name
                        + "': the value must be text; quote it, or use a block (value: |)"));
                namesOk = false;
                continue;
            }
            given.put(name, valueNode == null ? "" : scalar(valueNode));
            lines.put(name, valueNode == null ? line(nameNode) : line(valueNode));
        }
        for (Declared d : declared.values()) {
            if (d.required() && !given.containsKey(d.name())) {
                problems.add(new Problem(f, at, probe + ": missing required parameter '" + d.name() + "'"));
                namesOk = false;
            }
        }
        if (!namesOk) {
            return;
        }
        Map<String, String> values = new LinkedHashMap<>();
        declared.values().forEach(d -> {
            if (d.defaultValue() != null) {
                values.put(d.name(), d.defaultValue());
            }
        });
        values.putAll(given);
        if (properties != null) {
            for (Map.Entry<String, String> e : values.entrySet()) {
                if (ProbeSpec.TEMPLATED.contains(e.getKey())) {
                    continue;
                }
                try {
                    e.setValue(properties.resolve(e.getValue()));
                } catch (IllegalArgumentException ex) {
                    problems.add(new Problem(f, lines.getOrDefault(e.getKey(), at), probe + ": parameter '" + e.getKey()
                            + "': " + ex.getMessage()));
                    return;
                }
            }
        } else if (values.entrySet().stream().anyMatch(e -> !ProbeSpec.TEMPLATED.contains(e.getKey())
                && PLACEHOLDER.matcher(e.getValue()).find())) {
            return; // values depend on configuration this check was not given
        }
        ProbeSpec spec;
        try {
            spec = ProbeSpec.parse(kind, values);
        } catch (InvalidProbeException e) {
            int l = e.parameter() == null ? at : lines.getOrDefault(e.parameter(), at);
            problems.add(new Problem(f, l, probe + ": " + e.getMessage()));
            return;
        }
        specs.add(spec);
        Problem here = new Problem(f, lines.getOrDefault("id", at), "probe '" + spec.id() + "'");
        Problem first = ids.putIfAbsent(spec.id(), here);
        if (first != null) {
            problems.add(new Problem(f, here.line(), "probe '" + spec.id() + "': the id is already used at "
                    + first.file() + ":" + first.line()));
        }
        if (properties != null && spec.enabled() && spec.kind() == ProbeKind.SQL) {
            String key = "alerthub.datasources." + spec.datasource() + ".url";
            if (properties.property(key).map(String::trim).filter(s -> !s.isEmpty()).isEmpty()) {
                problems.add(new Problem(f, lines.getOrDefault("datasource", at), probe + ": datasource '"
                        + spec.datasource() + "' is not configured: set " + key));
            }
        }
    }

    private record Parsed(List<Node> entries, Problem problem) {
    }

    private static Parsed parse(Path f) {
        try (Reader r = Files.newBufferedReader(f)) {
            List<Node> entries = new ArrayList<>();
            for (Node doc : new Compose(LoadSettings.builder().setLabel(f.toString()).build()).composeAllFromReader(r)) {
                if (doc instanceof SequenceNode seq) {
                    entries.addAll(seq.getValue());
                }
            }
            return new Parsed(entries, null);
        } catch (MarkedYamlEngineException e) {
            int l = e.getProblemMark().map(m -> m.getLine() + 1).orElse(1);
            return new Parsed(List.of(), new Problem(f, l, "not valid YAML: " + e.getProblem()));
        } catch (YamlEngineException e) {
            return new Parsed(List.of(), new Problem(f, 1, "not valid YAML: " + e.getMessage()));
        } catch (IOException e) {
            return new Parsed(List.of(), new Problem(f, 1, "cannot read: " + e.getMessage()));
        }
    }

    private static Node value(Node mapping, String... keys) {
        if (!(mapping instanceof MappingNode m)) {
            return null;
        }
        for (NodeTuple t : m.getValue()) {
            String k = scalar(t.getKeyNode());
            for (String key : keys) {
                if (key.equals(k)) {
                    return t.getValueNode();
                }
            }
        }
        return null;
    }

    private static String scalar(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : null;
    }

    private static int line(Node n) {
        return n == null ? 1 : n.getStartMark().map(Mark::getLine).orElse(0) + 1;
    }
}
