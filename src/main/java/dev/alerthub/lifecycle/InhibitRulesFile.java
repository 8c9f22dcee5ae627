package dev.alerthub.lifecycle;

import dev.alerthub.alert.InhibitRule;
import dev.alerthub.alert.InvalidMatcherException;
import dev.alerthub.alert.Matcher;
import dev.alerthub.alert.Matchers;
import dev.alerthub.config.Suggestions;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code inhibit-rules.yaml}: Alertmanager's {@code inhibit_rules} syntax, as the list itself
 * or under an {@code inhibit_rules:} key (so a block copied from alertmanager.yml works):
 * <pre>
 * - name: node-down-hides-its-pods
 *   source_matchers: ['alertname="NodeDown"']
 *   target_matchers: ['severity=~"warning|critical"']
 *   equal: [node]
 * </pre>
 * Matchers are Alertmanager matcher strings, compiled by the same linear-time (RE2) matchers as
 * silences. Every problem is reported with its line, the way {@code alerthub validate} prints them.
 */
public final class InhibitRulesFile {
    private static final Set<String> KEYS = Set.of("name", "source_matchers", "target_matchers", "equal");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** The rules the file defines (in file order) and what is wrong with it. */
    public record Parsed(List<InhibitRule> rules, List<FileProblem> problems) {
    }

    private final Path file;
    private final List<FileProblem> problems = new ArrayList<>();

    private InhibitRulesFile(Path file) {
        this.file = file;
    }

    /** The problems of one file, none when it is valid or absent (no file means no rules). */
    public static List<FileProblem> check(Path file) {
        return read(file).problems();
    }

    public static Parsed read(Path file) {
        if (!Files.exists(file)) {
            return new Parsed(List.of(), List.of());
        }
        try {
            return parse(file, Files.readString(file));
        } catch (IOException e) {
            return new Parsed(List.of(), List.of(new FileProblem(file, 1, "cannot read: " + e.getMessage())));
        }
    }

    /** The rules in {@code text}, reported as lines of {@code file}. */
    public static Parsed parse(Path file, String text) {
        InhibitRulesFile reader = new InhibitRulesFile(file);
        List<InhibitRule> rules = reader.rules(text);
        return new Parsed(List.copyOf(rules), List.copyOf(reader.problems));
    }

    private List<InhibitRule> rules(String text) {
        List<InhibitRule> out = new ArrayList<>();
        List<Node> entries = YamlList.entries(file, new StringReader(text), "inhibit_rules", "inhibit rules",
                "- name: ..., source_matchers: [...], ...", problems);
        Set<String> names = new HashSet<>();
        int position = 0;
        for (Node entry : entries) {
            position++;
            InhibitRule rule = rule(entry, position);
            String name = rule != null ? rule.name() : declaredName(entry);
            if (name != null && !names.add(name)) {
                problem(entry, "inhibit rule '" + name + "' is defined twice");
            } else if (rule != null) {
                out.add(rule);
            }
        }
        return out;
    }

    /** One rule, or null when it has problems (reported): a half-understood rule must not mute anything. */
    private InhibitRule rule(Node entry, int position) {
        if (!(entry instanceof MappingNode m)) {
            problem(entry, "expected an inhibit rule (name, source_matchers, target_matchers, equal)");
            return null;
        }
        int before = problems.size();
        String name = null;
        Matchers source = null;
        Matchers target = null;
        List<String> equal = List.of();
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode());
            Node v = t.getValueNode();
            switch (key == null ? "" : key) {
                case "name" -> name = name(v);
                case "source_matchers" -> source = matchers(v, "source_matchers");
                case "target_matchers" -> target = matchers(v, "target_matchers");
                case "equal" -> equal = labels(v);
                case "source_match", "source_match_re", "target_match", "target_match_re" -> problem(t.getKeyNode(),
                        key + " is Alertmanager's deprecated form: write " + key.replaceAll("_match(_re)?$", "_matchers")
                                + ": ['label=\"value\"'] (or =~ for a regex)");
                default -> problem(t.getKeyNode(), "unknown key '" + key + "'" + Suggestions.closest(String.valueOf(key),
                        KEYS).map(k -> " (did you mean " + k + "?)").orElse(" (known: equal, name, source_matchers,"
                        + " target_matchers)"));
            }
        }
        if (source == null || target == null) {
            if (problems.size() == before) {
                problem(entry, "an inhibit rule needs source_matchers and target_matchers (an empty side would"
                        + " match every alert)");
            }
            return null;
        }
        return problems.size() == before ? new InhibitRule(name == null ? "rule-" + position : name, source, target,
                equal) : null;
    }

    private static String declaredName(Node entry) {
        if (entry instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if ("name".equals(scalar(t.getKeyNode()))) {
                    return scalar(t.getValueNode());
                }
            }
        }
        return null;
    }

    private String name(Node node) {
        String name = scalar(node);
        if (name == null || name.isBlank()) {
            problem(node, "name: expected a name for the rule (it is shown as inhibitedBy)");
            return null;
        }
        if (name.contains("/")) {
            problem(node, "name: '" + name + "' must not contain '/' (inhibitedBy shows rule/source)");
        }
        return name;
    }

    private Matchers matchers(Node node, String field) {
        if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            problem(node, field + ": expected a non-empty list of matchers, e.g. " + field
                    + ": ['severity=\"critical\"']");
            return null;
        }
        List<Matcher> out = new ArrayList<>();
        for (Node n : seq.getValue()) {
            String text = scalar(n);
            if (text == null || text.isBlank()) {
                problem(n, field + ": expected a matcher string such as 'severity=\"critical\"'");
                continue;
            }
            try {
                out.addAll(Matchers.parse(text).all());
            } catch (InvalidMatcherException e) {
                problem(n, field + ": " + text + ": " + e.getMessage());
            }
        }
        return out.isEmpty() ? null : new Matchers(out);
    }

    private List<String> labels(Node node) {
        if (isNull(node)) {
            return List.of();
        }
        if (!(node instanceof SequenceNode seq)) {
            problem(node, "equal: expected a list of label names, e.g. equal: [namespace, instance]");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Node n : seq.getValue()) {
            String label = scalar(n);
            if (label == null || !LABEL_NAME.matcher(label).matches()) {
                problem(n, "equal: '" + label + "' is not a label name");
            } else {
                out.add(label);
            }
        }
        return out;
    }

    private void problem(Node node, String message) {
        problems.add(YamlList.problem(file, node, message));
    }

    private static String scalar(Node n) {
        return YamlList.scalar(n);
    }

    private static boolean isNull(Node n) {
        return YamlList.isNull(n);
    }
}
