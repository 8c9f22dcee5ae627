package dev.alerthub.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;

import java.util.List;

/** What the Slack stand-in accepted, by alert name: "[FIRING] Name target (severity): summary". */
public final class SlackPosts {
    private SlackPosts() {
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
