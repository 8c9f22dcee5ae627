package dev.alerthub.ops.validate;

import org.apache.camel.util.StringHelper;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A route file read for validation: its text, its YAML tree with line numbers, and lookups that
 * point a message at a line when Camel's own message carries none.
 */
public final class RouteFile {
    /** A {@code templatedRoute} entry: which template, which parameters, and where each is written. */
    public record TemplatedRoute(String templateRef, String routeId, int line, List<Parameter> parameters) {
    }

    /**
     * A given parameter: {@code name} is "" when it has none, {@code line} is that of its name,
     * {@code valueLine} that of its value; {@code text} is false when the value is a YAML list or
     * mapping (Camel wants text).
     */
    public record Parameter(String name, String value, int line, int valueLine, boolean text) {
    }

    /** A {@code routeTemplate} entry with the parameters it declares. */
    public record RouteTemplate(String id, int line, List<DeclaredParameter> parameters) {
    }

    /** A declared template parameter: required unless it has a default or says {@code required: false}. */
    public record DeclaredParameter(String name, boolean required, String defaultValue) {
    }

    private final Path path;
    private final String text;
    private final List<String> lines;
    private final List<Node> documents = new ArrayList<>();
    private final Problem syntaxProblem;

    private RouteFile(Path path, String text) {
        this.path = path;
        this.text = text;
        this.lines = text.lines().toList();
        Problem problem = null;
        try {
            for (Node n : new Compose(LoadSettings.builder().setLabel(path.toString()).build()).composeAllFromString(text)) {
                documents.add(n);
            }
        } catch (MarkedYamlEngineException e) {
            // the context mark is where the broken construct starts (an unclosed quote), the
            // problem mark where the parser gave up (often the end of the file)
            Optional<Mark> mark = e.getContextMark().isPresent() ? e.getContextMark() : e.getProblemMark();
            String what = (e.getContext() == null ? "" : e.getContext() + ": ") + e.getProblem();
            problem = new Problem(path, mark.map(m -> m.getLine() + 1).orElse(1), "YAML syntax error: " + what);
        } catch (YamlEngineException e) {
            problem = new Problem(path, 1, "YAML syntax error: " + e.getMessage());
        }
        this.syntaxProblem = problem;
    }

    /** A file as it was (its text kept from an earlier read): what a deleted or changed file defined. */
    public static RouteFile of(Path path, String text) {
        return new RouteFile(path, text);
    }

    public static RouteFile read(Path path) throws IOException {
        return new RouteFile(path, Files.readString(path, StandardCharsets.UTF_8));
    }

    public Path path() {
        return path;
    }

    public String text() {
        return text;
    }

    /** The YAML syntax error, if the file is not YAML at all. */
    public Optional<Problem> syntaxProblem() {
        return Optional.ofNullable(syntaxProblem);
    }

    /** Keys of the top-level entries ({@code route}, {@code routeConfiguration}, {@code routeTemplate}, ...). */
    public Set<String> topLevelKinds() {
        Set<String> kinds = new LinkedHashSet<>();
        for (Node doc : documents) {
            if (doc instanceof SequenceNode seq) {
                for (Node item : seq.getValue()) {
                    if (item instanceof MappingNode m) {
                        m.getValue().forEach(t -> scalar(t.getKeyNode()).ifPresent(kinds::add));
                    }
                }
            }
        }
        return kinds;
    }

    /** Every {@code templatedRoute} in the file. */
    public List<TemplatedRoute> templatedRoutes() {
        List<TemplatedRoute> found = new ArrayList<>();
        for (Node item : entries()) {
            Node tr = item instanceof MappingNode m ? value(m, "templatedRoute") : null;
            if (!(tr instanceof MappingNode spec)) {
                continue;
            }
            List<Parameter> params = new ArrayList<>();
            if (value(spec, "parameters") instanceof SequenceNode ps) {
                for (Node p : ps.getValue()) {
                    if (p instanceof MappingNode pm) {
                        Node name = value(pm, "name");
                        Node value = value(pm, "value");
                        int nameLine = line(name != null ? name : pm);
                        params.add(new Parameter(scalar(name).orElse(""), scalar(value).orElse(null), nameLine,
                                value == null ? nameLine : line(value), value == null || value instanceof ScalarNode));
                    }
                }
            }
            found.add(new TemplatedRoute(scalar(value(spec, "routeTemplateRef")).orElse(null),
                    scalar(value(spec, "routeId")).orElse(null), line(item), params));
        }
        return found;
    }

    /** Every {@code routeTemplate} in the file, with its declared parameters. */
    public List<RouteTemplate> routeTemplates() {
        List<RouteTemplate> found = new ArrayList<>();
        for (Node item : entries()) {
            Node t = item instanceof MappingNode m ? value(m, "routeTemplate") : null;
            if (!(t instanceof MappingNode template) || scalar(value(template, "id")).isEmpty()) {
                continue;
            }
            List<DeclaredParameter> declared = new ArrayList<>();
            if (value(template, "parameters") instanceof SequenceNode ps) {
                for (Node p : ps.getValue()) {
                    if (p instanceof MappingNode pm && scalar(value(pm, "name")).isPresent()) {
                        String def = scalar(value(pm, "defaultValue")).orElse(null);
                        boolean optional = scalar(value(pm, "required")).filter("false"::equals).isPresent();
                        declared.add(new DeclaredParameter(scalar(value(pm, "name")).get(), def == null && !optional, def));
                    }
                }
            }
            found.add(new RouteTemplate(scalar(value(template, "id")).get(), line(item), declared));
        }
        return found;
    }

    private List<Node> entries() {
        List<Node> entries = new ArrayList<>();
        for (Node doc : documents) {
            if (doc instanceof SequenceNode seq) {
                entries.addAll(seq.getValue());
            }
        }
        return entries;
    }

    /**
     * The first line (1-based) that is not a comment and contains the text, or -1. Used to point at
     * an endpoint, bean or placeholder named in a Camel error that carries no line.
     */
    public int lineOf(String needle) {
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.stripLeading().startsWith("#") && l.contains(needle)) {
                return i + 1;
            }
        }
        return -1;
    }

    /** Like {@link #lineOf(String)} but the text must stand as a whole word (a bean name, say). */
    public int lineOfWord(String word) {
        Pattern p = Pattern.compile("(?<![\\w.-])" + Pattern.quote(word) + "(?![\\w-])");
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.stripLeading().startsWith("#") && p.matcher(l).find()) {
                return i + 1;
            }
        }
        return -1;
    }

    /** The line of the route whose {@code id} is this, or -1. */
    public int lineOfRouteId(String routeId) {
        if (routeId == null) {
            return -1;
        }
        Pattern p = Pattern.compile("^\\s*-?\\s*(id|routeId)\\s*:\\s*[\"']?" + Pattern.quote(routeId) + "[\"']?\\s*(#.*)?$");
        for (int i = 0; i < lines.size(); i++) {
            if (p.matcher(lines.get(i)).matches()) {
                return i + 1;
            }
        }
        return -1;
    }

    /** The value of a key, written camelCase or dashed (the YAML DSL takes both). */
    private static Node value(MappingNode m, String key) {
        String dashed = StringHelper.camelCaseToDash(key);
        for (NodeTuple t : m.getValue()) {
            if (scalar(t.getKeyNode()).filter(k -> k.equals(key) || k.equals(dashed)).isPresent()) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private static Optional<String> scalar(Node n) {
        return n instanceof ScalarNode s ? Optional.of(s.getValue()) : Optional.empty();
    }

    private static int line(Node n) {
        return n.getStartMark().map(m -> m.getLine() + 1).orElse(1);
    }
}
