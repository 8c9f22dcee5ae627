package dev.alerthub.ops.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.InputStream;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Every key the YAML DSL knows, from the JSON schema camel-yaml-dsl ships: for "did you mean" hints. */
final class DslKeys {
    private static volatile Set<String> keys;

    private DslKeys() {
    }

    static Set<String> all() {
        Set<String> k = keys;
        if (k == null) {
            k = load();
            keys = k;
        }
        return k;
    }

    private static Set<String> load() {
        Set<String> names = new HashSet<>();
        try (InputStream in = DslKeys.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            if (in != null) {
                collect(new ObjectMapper().readTree(in), names);
            }
        } catch (Exception e) {
            // hints only
        }
        return Set.copyOf(names);
    }

    private static void collect(JsonNode n, Set<String> names) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("properties") && e.getValue().isObject()) {
                    e.getValue().fieldNames().forEachRemaining(names::add);
                }
                collect(e.getValue(), names);
            }
        } else if (n.isArray()) {
            n.forEach(c -> collect(c, names));
        }
    }
}
