package dev.alerthub.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;

import java.time.OffsetDateTime;
import java.util.Set;

/**
 * PagerDuty and Slack stand-ins that check requests against the shapes in interface.md (and the
 * services' documented limits), answering like the real services.
 */
public final class SinkStubs {
    private static final Set<String> PD_SEVERITIES = Set.of("critical", "error", "warning", "info");
    private static final Set<String> SLACK_BLOCKS = Set.of("header", "section", "context", "actions", "divider");

    private SinkStubs() {
    }

    public static HttpStub pagerDuty() {
        return new HttpStub(HttpStub.Response.of(202,
                "{\"status\":\"success\",\"message\":\"Event processed\"}"), SinkStubs::checkPagerDuty);
    }

    public static HttpStub slack() {
        return new HttpStub(HttpStub.Response.of(200, "ok"), SinkStubs::checkSlack);
    }

    static String checkPagerDuty(HttpStub.Request r) {
        if (!r.method().equals("POST")) {
            return "method " + r.method();
        }
        if (r.header("Content-Type") == null || !r.header("Content-Type").startsWith("application/json")) {
            return "Content-Type " + r.header("Content-Type");
        }
        JsonNode e = parse(r.body());
        if (e == null) {
            return "body is not JSON";
        }
        if (!e.path("routing_key").isTextual() || e.path("routing_key").asText().isEmpty()) {
            return "routing_key missing";
        }
        String action = e.path("event_action").asText();
        if (!Set.of("trigger", "acknowledge", "resolve").contains(action)) {
            return "event_action '" + action + "'";
        }
        if (!e.path("dedup_key").isTextual() || e.path("dedup_key").asText().isEmpty()
                || e.path("dedup_key").asText().length() > 255) {
            return "dedup_key missing or too long";
        }
        if (action.equals("trigger")) {
            JsonNode p = e.path("payload");
            if (!p.isObject()) {
                return "trigger without payload";
            }
            String summary = p.path("summary").asText("");
            if (summary.isEmpty() || summary.length() > 1024) {
                return "payload.summary empty or over 1024 chars";
            }
            if (p.path("source").asText("").isEmpty()) {
                return "payload.source missing";
            }
            if (!PD_SEVERITIES.contains(p.path("severity").asText())) {
                return "payload.severity '" + p.path("severity").asText() + "'";
            }
            if (p.has("timestamp")) {
                try {
                    OffsetDateTime.parse(p.path("timestamp").asText());
                } catch (RuntimeException ex) {
                    return "payload.timestamp not ISO 8601";
                }
            }
            if (p.has("custom_details") && !p.path("custom_details").isObject()) {
                return "payload.custom_details not an object";
            }
            for (JsonNode l : e.path("links")) {
                if (!l.path("href").isTextual()) {
                    return "links[].href missing";
                }
            }
        }
        return null;
    }

    static String checkSlack(HttpStub.Request r) {
        if (!r.method().equals("POST")) {
            return "method " + r.method();
        }
        if (r.header("Content-Type") == null || !r.header("Content-Type").startsWith("application/json")) {
            return "Content-Type " + r.header("Content-Type");
        }
        JsonNode m = parse(r.body());
        if (m == null) {
            return "invalid_payload";
        }
        if (!m.path("text").isTextual() || m.path("text").asText().isBlank()) {
            return "no_text";
        }
        if (!m.path("blocks").isArray() || m.path("blocks").isEmpty() || m.path("blocks").size() > 50) {
            return "invalid_blocks";
        }
        for (JsonNode b : m.path("blocks")) {
            String type = b.path("type").asText();
            if (!SLACK_BLOCKS.contains(type)) {
                return "invalid_blocks: type " + type;
            }
            if (type.equals("header") && (!b.path("text").path("type").asText().equals("plain_text")
                    || b.path("text").path("text").asText().length() > 150)) {
                return "invalid_blocks: header";
            }
            if (type.equals("section") && b.path("text").path("text").asText().length() > 3000) {
                return "invalid_blocks: section text";
            }
            if (b.path("fields").size() > 10) {
                return "invalid_blocks: fields";
            }
        }
        return null;
    }

    private static JsonNode parse(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }
}
