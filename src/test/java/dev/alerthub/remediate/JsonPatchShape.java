package dev.alerthub.remediate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;

import java.util.ArrayList;
import java.util.List;

/** "op path" of each operation of a JSON Patch, to assert on a patch's shape. */
final class JsonPatchShape {
    private JsonPatchShape() {
    }

    static List<String> ops(String patch) {
        List<String> out = new ArrayList<>();
        for (JsonNode op : Json.read(patch, JsonNode.class)) {
            out.add(op.path("op").asText() + " " + op.path("path").asText());
        }
        return out;
    }
}
