package dev.alerthub.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;

import java.util.List;

/** What the Slack stand-in accepted, by alert name: "[FIRING] Name target (severity): summary". */
public final class SlackPosts {
    private SlackPosts() {
    }

    /**
     * Whether an accepted post is one message for a group of several alerts (docs/sinks.md#grouping:
     * a probe's instances are one group) that holds every one of these texts.
     */
    public static boolean groupPost(HttpStub slack, String... parts) {
        return slack.accepted().stream().map(r -> r.body())
                .anyMatch(b -> text(b).matches("^\\[(FIRING|RESOLVED)\\] \\d+ alerts .*")
                        && java.util.Arrays.stream(parts).allMatch(b::contains));
    }

    /** The plain-text line of every accepted post about this alert name. */
    public static List<String> about(HttpStub slack, String alertname) {
        return slack.accepted().stream().map(r -> text(r.body()))
                .filter(t -> t.contains("] " + alertname + " ") || t.contains("] " + alertname + ":")).toList();
    }

    public static long firing(HttpStub slack, String alertname) {
        return about(slack, alertname).stream().filter(t -> t.startsWith("[FIRING]")).count();
    }

    public static long resolved(HttpStub slack, String alertname) {
        return about(slack, alertname).stream().filter(t -> t.startsWith("[RESOLVED]")).count();
    }

    private static String text(String body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            return n.path("text").asText();
        } catch (Exception e) {
            return "";
        }
    }
}
