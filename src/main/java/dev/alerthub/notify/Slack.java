package dev.alerthub.notify;

import dev.alerthub.alert.Alert;
import dev.alerthub.notify.SlackMessage.Mrkdwn;
import org.apache.camel.Exchange;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Slack incoming webhook: Block Kit for people, {@code text} for notifications and old clients.
 * The webhook URL is the secret; it is looked up per target at send time and never stored or logged.
 */
public class Slack {
    /** The {@code text} (notification and fallback): config/templates/slack-text.slack.mustache. */
    static final String TEXT_TEMPLATE = "slack-text.slack";
    /** The message's first section, when the operator writes one: config/templates/slack-body.slack.mustache. */
    static final String BODY_TEMPLATE = "slack-body.slack";

    /** The {@code action_id} of the acknowledge button (POST /webhooks/slack/interactions). */
    public static final String ACK_ACTION = "alerthub-ack";
    /** Exchange property: true when this send goes through the Web API ({@link SlackApi}). */
    public static final String WEB_API = "slackWebApi";

    private final SinkSettings settings;
    private SlackApi webApi;
    private boolean interactive;
    private final MessageTexts texts;
    private final String alertsUrl;

    public Slack(SinkSettings settings) {
        this(settings, MessageTexts.BUILT_IN, null);
    }

    /** @param alertsUrl the hub's {@code /api/alerts} as its users reach it (templates' {@code links.alert}), may be null */
    public Slack(SinkSettings settings, MessageTexts texts, String alertsUrl) {
        this.settings = settings;
        this.texts = texts;
        this.alertsUrl = alertsUrl;
    }

    public String render(Alert alert) {
        return render(alert, null);
    }

    /**
     * As {@link #render(Alert)}, with a diagnosis section (its {@code summary} lines: rollout history,
     * pods not ready, the expression's value) after the alert's own text when there is one.
     */
    public String render(Alert alert, Map<String, Object> diagnosis) {
        return render(alert, diagnosis, null);
    }

    /**
     * As {@link #render(Alert, Map)}; when {@code acknowledgedBy} is set the message says
     * "Acknowledged by X" in a context line (and offers no acknowledge button).
     */
    public String render(Alert alert, Map<String, Object> diagnosis, String acknowledgedBy) {
        return message(alert, diagnosis, acknowledgedBy, null);
    }

    /**
     * A reminder of a still-firing, unacknowledged alert: the alert's message, headed as a reminder
     * and saying since when it fires.
     */
    public String reminder(Alert alert, java.time.Instant now) {
        return message(alert, null, null, now);
    }

    private String message(Alert alert, Map<String, Object> diagnosis, String acknowledgedBy, java.time.Instant remindAt) {
        String state = alert.isFiring() ? "FIRING" : "RESOLVED";
        Map<String, Object> scope = TemplateScope.delivery(alert, diagnosis, alertsUrl);
        // the templates escape the values they insert (a .slack template), so their text is mrkdwn already
        String fallback = texts.render(TEXT_TEMPLATE, scope, () -> SlackMessage.escape(
                "[" + state + "] " + alert.alertname() + (alert.target().isEmpty() ? "" : " " + alert.target())
                        + " (" + alert.severity().wire() + "): " + alert.summary()));
        String since = remindAt == null ? null : "still firing since " + alert.startsAt() + " ("
                + dev.alerthub.config.Durations.format(java.time.Duration.between(alert.startsAt(), remindAt)
                .truncatedTo(java.time.temporal.ChronoUnit.MINUTES)) + "), not acknowledged";
        SlackMessage msg = SlackMessage.withMrkdwnText(since == null ? fallback
                : SlackMessage.escape("[REMINDER] " + since + ": ") + fallback);
        msg.header(since != null ? ":repeat: REMINDER: " + alert.alertname()
                : (alert.isFiring() ? ":rotating_light: " : ":white_check_mark: ") + state + ": " + alert.alertname());
        if (since != null) {
            msg.section(Mrkdwn.of().bold("Reminder").text(": " + since));
        }

        Mrkdwn body = Mrkdwn.raw(texts.render(BODY_TEMPLATE, scope, () -> builtInBody(alert).toString()));
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Severity", alert.severity().wire());
        if (!alert.target().isEmpty()) {
            fields.put("Target", alert.target());
        }
        fields.put(alert.isFiring() ? "Since" : "Resolved",
                (alert.isFiring() || alert.endsAt() == null ? alert.startsAt() : alert.endsAt()).toString());
        fields.put("Source", alert.source());
        msg.section(body, fields);

        if (diagnosis != null && diagnosis.get("summary") instanceof List<?> lines && !lines.isEmpty()) {
            Mrkdwn text = Mrkdwn.of().bold("Diagnosis");
            lines.forEach(l -> text.newline().text("• " + l));
            msg.section(text);
        }
        Mrkdwn labels = Mrkdwn.of();
        alert.labels().entrySet().stream().filter(e -> !e.getKey().equals("alertname"))
                .forEach(e -> (labels.isEmpty() ? labels : labels.text(" ")).code(e.getKey() + "=" + e.getValue()));
        msg.context(labels);
        if (acknowledgedBy != null) {
            msg.context(Mrkdwn.of().text(":white_check_mark: ").bold("Acknowledged by " + acknowledgedBy));
        }
        Map<String, String> links = new LinkedHashMap<>();
        links.put("Runbook", alert.annotation("runbook_url"));
        links.put("Source expression", alert.generatorURL());
        return msg.buttons(links).json();
    }

    private static Mrkdwn builtInBody(Alert alert) {
        Mrkdwn body = Mrkdwn.of().bold(alert.summary());
        String description = alert.annotation("description");
        if (description != null && !description.isBlank() && !description.equals(alert.summary())) {
            body.newline().text(description);
        }
        if (alert.severityNote() != null) {
            body.newline().italic(alert.severityNote());
        }
        return body;
    }

    /**
     * Property alerthub.request: a rendered message. In Web API mode (a bot token applies to the
     * target) marks it for {@link SlackApi}; else resolves the webhook URL for the header target, or
     * marks log-only. The URL (its path is the secret) goes in the CamelHttpUri header, which the send
     * route's fixed http endpoint calls instead of its own: it never becomes an endpoint URI, so JMX
     * and the endpoint registry never show it.
     */
    public void prepareSend(Exchange exchange) {
        if (webApi != null && webApi.isUsedFor(Outbound.target(exchange))) {
            Outbound.clearHeaders(exchange);
            exchange.getMessage().setBody(Outbound.request(exchange));
            Outbound.live(exchange, true);
            exchange.setProperty(WEB_API, true);
            return;
        }
        exchange.setProperty(WEB_API, false);
        Optional<String> url = settings.get(Outbound.target(exchange), "webhook-url");
        Outbound.clearHeaders(exchange);
        exchange.getMessage().setBody(Outbound.request(exchange));
        Outbound.live(exchange, url.isPresent());
        url.ifPresent(u -> {
            exchange.setProperty(Outbound.URL, u);
            exchange.getMessage().setHeader(Exchange.HTTP_URI, u);
        });
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
    }

    public boolean isEnabled() {
        return settings.get("", "webhook-url").isPresent() || (webApi != null && webApi.isUsedFor(""));
    }

    /** Slack Web API mode for the targets a bot token applies to (docs/sinks.md#slack-web-api). */
    public Slack webApi(SlackApi api) {
        this.webApi = api;
        return this;
    }

    /** With a signing secret, Slack's button clicks reach the hub: firing alerts offer an acknowledge button. */
    public Slack interactive(boolean interactive) {
        this.interactive = interactive;
        return this;
    }

    /**
     * A rendered alert message (JSON) with the acknowledge button ({@code action_id} alerthub-ack, value
     * the alert's fingerprint or {@code group:<id>} for a group message) when the hub can receive the click
     * and the alert is firing; else the message as it was.
     */
    public String offerAck(String json, Alert alert, String groupId) {
        if (!interactive || alert == null || !alert.isFiring()) {
            return json;
        }
        String value = groupId != null && !groupId.isBlank() ? "group:" + groupId : alert.fingerprint();
        return SlackMessage.withActionButton(json, "Acknowledge", ACK_ACTION, value);
    }
}
