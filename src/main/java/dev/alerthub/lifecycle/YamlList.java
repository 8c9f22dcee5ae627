package dev.alerthub.lifecycle;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.Reader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The list an Alertmanager-style config file holds, read with its lines for file:line problems: the
 * file is the list itself, or holds it under one key ({@code inhibit_rules:}, {@code time_intervals:}).
 * No entries when the file or the list is empty; a problem when it is not YAML or not a list.
 */
final class YamlList {
    private YamlList() {
    }

    /**
     * @param what    what the entries are, for messages ("inhibit rules")
     * @param example how an entry starts, for messages ("- name: ..., source_matchers: [...]")
     */
    static List<Node> entries(Path file, Reader text, String key, String what, String example,
                              List<FileProblem> problems) {
        Optional<Node> root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(file.toString()).build()).composeReader(text);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(1);
            problems.add(new FileProblem(file, line, "not valid YAML: " + e.getProblem()));
            return List.of();
        } catch (YamlEngineException e) {
            problems.add(new FileProblem(file, 1, "not valid YAML: " + e.getMessage()));
            return List.of();
        }
        if (root.isEmpty() || isNull(root.get())) {
            return List.of();
        }
        Node list = root.get();
        if (list instanceof MappingNode m) {
            list = null;
            for (NodeTuple t : m.getValue()) {
                String name = scalar(t.getKeyNode());
                if (key.equals(name)) {
                    list = t.getValueNode();
                } else {
                    problems.add(problem(file, t.getKeyNode(), "unknown key '" + name + "': the file is a list of "
                            + what + ", or has them under " + key + ":"));
                }
            }
            if (list == null || isNull(list)) {
                return List.of();
            }
        }
        if (!(list instanceof SequenceNode seq)) {
            problems.add(problem(file, list, "expected a list of " + what + " (" + example + ")"));
            return List.of();
        }
        return seq.getValue();
    }

    static FileProblem problem(Path file, Node node, String message) {
        return new FileProblem(file, node.getStartMark().map(m -> m.getLine() + 1).orElse(1), message);
    }

    static String scalar(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : null;
    }

    static boolean isNull(Node n) {
        return n instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
    }
}
