package dev.alerthub.support;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alerthub.alert.Json;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Builds an Alertmanager webhook body (version 4, the shape of fixtures/alertmanager/raw/*.body)
 * with alerts of the test's choosing.
 */
public final class AlertmanagerWebhook {
    /** Each webhook built here is its own Alertmanager group unless the test names one ({@link #groupKey}). */
    private static final java.util.concurrent.atomic.AtomicLong GROUPS = new java.util.concurrent.atomic.AtomicLong();
    private final ObjectNode body = Json.MAPPER.createObjectNode();
    private final ArrayNode alerts;

    private AlertmanagerWebhook() {
        body.put("version", "4").put("groupKey", "{}:{test=\"" + GROUPS.incrementAndGet() + "\"}").put("truncatedAlerts", 0)
                .put("status", "firing").put("receiver", "alerthub").put("externalURL", "http://alertmanager:9093");
        body.putObject("groupLabels");
        body.putObject("commonLabels");
        body.putObject("commonAnnotations");
        alerts = body.putArray("alerts");
    }

    public static AlertmanagerWebhook create() {
        return new AlertmanagerWebhook();
    }

    /** The Alertmanager group this webhook is a change of (docs/sinks.md#grouping). */
    public AlertmanagerWebhook groupKey(String key) {
        body.put("groupKey", key);
        return this;
    }

    public AlertmanagerWebhook firing(Map<String, String> labels, Map<String, String> annotations, Instant startsAt) {
        return alert("firing", labels, annotations, startsAt, null);
    }

    public AlertmanagerWebhook resolved(Map<String, String> labels, Map<String, String> annotations, Instant startsAt,
                                        Instant endsAt) {
        body.put("status", "resolved");
        return alert("resolved", labels, annotations, startsAt, endsAt);
    }

    private AlertmanagerWebhook alert(String status, Map<String, String> labels, Map<String, String> annotations,
                                      Instant startsAt, Instant endsAt) {
        ObjectNode a = alerts.addObject().put("status", status);
        a.set("labels", Json.MAPPER.valueToTree(labels));
        a.set("annotations", Json.MAPPER.valueToTree(annotations));
        a.put("startsAt", startsAt.toString());
        a.put("endsAt", endsAt == null ? "0001-01-01T00:00:00Z" : endsAt.toString());
        a.put("generatorURL", "http://prometheus:9090/graph?g0.expr=up");
        return this;
    }

    public byte[] bytes() {
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }
}
