package dev.alerthub.probe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads Prometheus' answer to {@code GET /api/v1/query} (shapes captured in
 * src/test/resources/fixtures/prometheus/): an instant vector or a scalar become samples; a string,
 * a range vector, an error answer or anything that is not the API's JSON is a failure that says why.
 */
public final class PrometheusResponse {
    private static final int MAX_TEXT = 300;

    private PrometheusResponse() {
    }

    public static ProbeResult parse(int httpStatus, String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject() || !root.has("status")) {
            return ProbeResult.failed("Prometheus answered HTTP " + httpStatus + " without its API JSON: "
                    + shorten(body == null ? "" : body.strip()));
        }
        if (!"success".equals(root.path("status").asText())) {
            return ProbeResult.failed("Prometheus refused the query (HTTP " + httpStatus + ", "
                    + root.path("errorType").asText("error") + "): " + shorten(root.path("error").asText("")));
        }
        JsonNode data = root.path("data");
        String type = data.path("resultType").asText();
        JsonNode result = data.path("result");
        return switch (type) {
            case "vector" -> vector(result);
            case "scalar" -> ProbeResult.of(List.of(new ProbeResult.Sample(Map.of(), value(result.path(1)), Map.of())));
            case "matrix" -> ProbeResult.failed("the query returns a range vector (matrix); a probe needs an instant "
                    + "vector or a scalar, e.g. rate(x[5m]) instead of x[5m]");
            case "string" -> ProbeResult.failed("the query returns a string (\"" + shorten(result.path(1).asText())
                    + "\"); a probe needs an instant vector or a scalar");
            default -> ProbeResult.failed("Prometheus answered an unknown resultType '" + type + "'");
        };
    }

    private static ProbeResult vector(JsonNode result) {
        List<ProbeResult.Sample> samples = new ArrayList<>(result.size());
        for (JsonNode series : result) {
            Map<String, String> labels = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : series.path("metric").properties()) {
                labels.put(e.getKey(), e.getValue().asText());
            }
            samples.add(new ProbeResult.Sample(labels, value(series.path("value").path(1)), Map.of()));
        }
        return ProbeResult.of(samples);
    }

    /** Prometheus writes sample values as strings, including "NaN", "+Inf" and "-Inf". */
    static double value(JsonNode v) {
        String s = v.asText();
        return switch (s) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN", "" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    yield Double.NaN;
                }
            }
        };
    }

    static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= MAX_TEXT ? one : one.substring(0, MAX_TEXT) + "...";
    }
}
