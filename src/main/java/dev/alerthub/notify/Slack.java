package dev.alerthub.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import org.apache.camel.Exchange;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Slack incoming webhook: Block Kit for people, {@code text} for notifications and old clients.
 * The webhook URL is the secret; it is looked up per target at send time and never stored or logged.
 */
public class Slack {
    private static final int MAX_HEADER = 150;
    private static final int MAX_SECTION = 3000;

    private final SinkSettings settings;

    public Slack(SinkSettings settings) {
        this.settings = settings;
    }

    public String render(Alert alert) {
        return render(alert, null);
    }

    /**
     * As {@link #render(Alert)}, with a diagnosis section (its {@code summary} lines: rollout history,
     * pods not ready, the expression's value) after the alert's own text when there is one.
     */
    public String render(Alert alert, Map<String, Object> diagnosis) {
        ObjectNode msg = Json.MAPPER.createObjectNode();
        String state = alert.isFiring() ? "FIRING" : "RESOLVED";
        msg.put("text", "[" + state + "] " + alert.alertname()
                + (alert.target().isEmpty() ? "" : " " + alert.target())
                + " (" + alert.severity().wire() + "): " + alert.summary());
        ArrayNode blocks = msg.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("emoji", true)
                .put("text", cut((alert.isFiring() ? ":rotating_light: " : ":white_check_mark: ")
                        + state + ": " + alert.alertname(), MAX_HEADER));

        StringBuilder body = new StringBuilder("*").append(escape(alert.summary())).append('*');
        String description = alert.annotation("description");
        if (description != null && !description.isBlank() && !description.equals(alert.summary())) {
            body.append('\n').append(escape(description));
        }
        if (alert.severityNote() != null) {
            body.append("\n_").append(escape(alert.severityNote())).append('_');
        }
        ObjectNode section = blocks.addObject().put("type", "section");
        section.putObject("text").put("type", "mrkdwn").put("text", cut(body.toString(), MAX_SECTION));
        ArrayNode fields = section.putArray("fields");
        field(fields, "Severity", alert.severity().wire());
        if (!alert.target().isEmpty()) {
            field(fields, "Target", alert.target());
        }
        field(fields, alert.isFiring() ? "Since" : "Resolved",
                (alert.isFiring() || alert.endsAt() == null ? alert.startsAt() : alert.endsAt()).toString());
        field(fields, "Source", alert.source());

        if (diagnosis != null && diagnosis.get("summary") instanceof List<?> lines && !lines.isEmpty()) {
            String text = lines.stream().map(l -> "• " + escape(String.valueOf(l))).collect(Collectors.joining("\n"));
            blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
                    .put("text", cut("*Diagnosis*\n" + text, MAX_SECTION));
        }
        String labels = alert.labels().entrySet().stream()
                .filter(e -> !e.getKey().equals("alertname"))
                .map(e -> "`" + escape(e.getKey()) + "=" + escape(e.getValue()) + "`")
                .collect(Collectors.joining(" "));
        if (!labels.isEmpty()) {
            blocks.addObject().put("type", "context").putArray("elements").addObject()
                    .put("type", "mrkdwn").put("text", cut(labels, MAX_SECTION));
        }
        ArrayNode buttons = Json.MAPPER.createArrayNode();
        button(buttons, "Runbook", alert.annotation("runbook_url"));
        button(buttons, "Source expression", alert.generatorURL());
        if (!buttons.isEmpty()) {
            blocks.addObject().put("type", "actions").set("elements", buttons);
        }
        return msg.toString();
    }

    /** Property alerthub.request: a rendered message. Resolves the webhook URL for the header target, or marks log-only. */
    public void prepareSend(Exchange exchange) {
        Optional<String> url = settings.get(Outbound.target(exchange), "webhook-url");
        Outbound.clearHeaders(exchange);
        exchange.getMessage().setBody(Outbound.request(exchange));
        Outbound.live(exchange, url.isPresent());
        url.ifPresent(u -> exchange.setProperty(Outbound.URL, u));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
    }

    public boolean isEnabled() {
        return settings.get("", "webhook-url").isPresent();
    }

    private static void field(ArrayNode fields, String name, String value) {
        fields.addObject().put("type", "mrkdwn").put("text", "*" + name + "*\n" + escape(value));
    }

    private static void button(ArrayNode buttons, String text, String url) {
        if (url != null && url.startsWith("http") && url.length() <= 3000) {
            ObjectNode b = buttons.addObject().put("type", "button").put("url", url);
            b.putObject("text").put("type", "plain_text").put("text", text);
        }
    }

    /** Slack's mrkdwn needs only these three escaped. */
    static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
