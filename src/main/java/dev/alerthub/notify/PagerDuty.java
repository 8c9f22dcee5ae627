package dev.alerthub.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import org.apache.camel.Exchange;

import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * PagerDuty Events API v2. {@link #render} builds the event without the routing key (what a dead
 * letter keeps); {@link #prepareSend} adds the key for the target at send time.
 * The dedup_key is the alert's fingerprint, so the resolve closes the incident the trigger opened.
 */
public class PagerDuty {
    static final int MAX_SUMMARY = 1024;

    /** payload.summary: config/templates/pagerduty-summary.mustache. */
    static final String SUMMARY_TEMPLATE = "pagerduty-summary";

    private final SinkSettings settings;
    private final String clientUrl;
    private final MessageTexts texts;

    public PagerDuty(SinkSettings settings, String clientUrl) {
        this(settings, clientUrl, MessageTexts.BUILT_IN);
    }

    /** @param clientUrl the hub's {@code /api/alerts} as its users reach it, may be null */
    public PagerDuty(SinkSettings settings, String clientUrl, MessageTexts texts) {
        this.settings = settings;
        this.clientUrl = clientUrl;
        this.texts = texts;
    }

    public String render(Alert alert) {
        return render(alert, null);
    }

    /**
     * As {@link #render(Alert)}, with the facts gathered for the responder (rollout history, pods not
     * ready, the expression's value) in custom_details.diagnosis when there are any.
     */
    public String render(Alert alert, Map<String, Object> diagnosis) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("event_action", alert.isFiring() ? "trigger" : "resolve");
        event.put("dedup_key", alert.fingerprint());
        if (!alert.isFiring()) {
            return event.toString();
        }
        ObjectNode payload = event.putObject("payload");
        payload.put("summary", cut(texts.render(SUMMARY_TEMPLATE, TemplateScope.delivery(alert, diagnosis, clientUrl),
                () -> summary(alert))));
        payload.put("source", source(alert));
        payload.put("severity", alert.severity().wire());
        payload.put("timestamp", alert.startsAt().toString());
        putIfPresent(payload, "component", firstLabel(alert, "deployment", "service", "job"));
        putIfPresent(payload, "group", alert.label("namespace"));
        payload.put("class", alert.alertname());
        ObjectNode details = payload.putObject("custom_details");
        details.put("status", alert.status().wire());
        details.put("startsAt", alert.startsAt().toString());
        details.put("source", alert.source());
        details.set("labels", Json.MAPPER.valueToTree(alert.labels()));
        details.set("annotations", Json.MAPPER.valueToTree(alert.annotations()));
        if (alert.severityNote() != null) {
            details.put("severity_note", alert.severityNote());
        }
        if (diagnosis != null && !diagnosis.isEmpty()) {
            details.set("diagnosis", Json.MAPPER.valueToTree(diagnosis));
        }
        ArrayNode links = event.putArray("links");
        link(links, alert.generatorURL(), "Source expression");
        link(links, alert.annotation("runbook_url"), "Runbook");
        event.put("client", "alerthub");
        putIfPresent(event, "client_url", clientUrl);
        return event.toString();
    }

    /** An {@code acknowledge} (or {@code resolve}) event for the incident with this dedup_key. */
    public static String event(String action, String dedupKey) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("event_action", action);
        event.put("dedup_key", dedupKey);
        return event.toString();
    }

    /** The dedup_key of an alert's escalation page: its own incident, apart from any per-alert one. */
    public static String escalationKey(String fingerprint) {
        return "escalation:" + fingerprint;
    }

    /**
     * The escalation page of a warning nobody acknowledged: the alert's event, as its own incident
     * (dedup_key {@link #escalationKey}), at severity error, saying it was escalated and why.
     */
    public String escalation(Alert alert, String why) {
        ObjectNode event = (ObjectNode) Json.read(render(alert), com.fasterxml.jackson.databind.JsonNode.class);
        event.put("dedup_key", escalationKey(alert.fingerprint()));
        ObjectNode payload = (ObjectNode) event.get("payload");
        payload.put("summary", cut("[ESCALATED] " + alert.alertname() + (alert.target().isEmpty() ? "" : " "
                + alert.target()) + ": " + alert.summary() + " (" + why + ")"));
        payload.put("severity", "error");
        ObjectNode details = (ObjectNode) payload.get("custom_details");
        details.put("escalated", why);
        details.put("escalated_from_severity", alert.severity().wire());
        return event.toString();
    }

    /** Property alerthub.request: a rendered event. Sets the body to it plus the routing key for the header target, or marks the send log-only. */
    public void prepareSend(Exchange exchange) {
        Optional<String> key = settings.get(Outbound.target(exchange), "routing-key");
        String rendered = Outbound.request(exchange);
        Outbound.clearHeaders(exchange);
        Outbound.live(exchange, key.isPresent());
        if (key.isEmpty()) {
            exchange.getMessage().setBody(rendered);
            return;
        }
        try {
            ObjectNode withKey = Json.MAPPER.createObjectNode();
            withKey.put("routing_key", key.get());
            withKey.setAll((ObjectNode) Json.MAPPER.readTree(rendered));
            exchange.getMessage().setBody(withKey.toString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    public boolean isEnabled() {
        return settings.get("", "routing-key").isPresent();
    }

    static String summary(Alert alert) {
        return "[" + alert.status().wire().toUpperCase() + "] " + alert.alertname()
                + (alert.target().isEmpty() ? "" : " " + alert.target()) + ": " + alert.summary();
    }

    /** PagerDuty refuses a summary over 1024 characters. */
    private static String cut(String text) {
        return text.length() <= MAX_SUMMARY ? text : text.substring(0, MAX_SUMMARY - 1) + "…";
    }

    private static String source(Alert alert) {
        String s = firstLabel(alert, "instance", "pod");
        if (s == null) {
            s = alert.target().isEmpty() ? null : alert.target();
        }
        return s == null ? "alerthub" : s;
    }

    private static String firstLabel(Alert alert, String... names) {
        for (String n : names) {
            String v = alert.label(n);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }

    /** Only http(s) links; the raw value stays in custom_details.annotations as data. */
    private static void link(ArrayNode links, String href, String text) {
        Links.http(href).ifPresent(h -> links.addObject().put("href", h).put("text", text));
    }
}
