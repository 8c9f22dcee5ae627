package dev.alerthub.notify;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailComponent;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * SMTP mail with a plain-text and an HTML part. {@link #render} produces a {@link Message} (stored as
 * JSON in a dead letter); {@link #prepareSend} turns it into what camel-mail sends.
 */
public class Email {
    /** What one notification mail says; the recipients and server come from settings at send time. */
    public record Message(String subject, String text, String html) {
    }

    /** The subject: config/templates/email-subject.mustache. */
    static final String SUBJECT_TEMPLATE = "email-subject";
    /** The whole plain-text part, when the operator writes one: config/templates/email-text.mustache. */
    static final String TEXT_TEMPLATE = "email-text";
    /** The whole HTML part, when the operator writes one: config/templates/email-body.html.mustache. */
    static final String HTML_TEMPLATE = "email-body.html";

    private final SinkSettings settings;
    private MessageTexts texts = MessageTexts.BUILT_IN;
    private String alertsUrl;
    private final String host;
    private final int port;
    private final String from;
    private final String username;
    private final String password;

    public Email(SinkSettings settings, String host, int port, String from, String username, String password) {
        this.settings = settings;
        this.host = host == null ? "" : host.trim();
        this.port = port;
        this.from = from == null || from.isBlank() ? "alerthub@localhost" : from.trim();
        this.username = username == null ? "" : username.trim();
        this.password = password == null ? "" : password;
    }

    /** Texts from the operator's templates (docs/lifecycle.md#templates); {@code alertsUrl} for their links.alert. */
    public Email texts(MessageTexts texts, String alertsUrl) {
        this.texts = texts;
        this.alertsUrl = alertsUrl;
        return this;
    }

    public String render(Alert alert) {
        Map<String, Object> scope = TemplateScope.delivery(alert, null, alertsUrl);
        String subject = texts.render(SUBJECT_TEMPLATE, scope, () -> "[" + (alert.isFiring() ? "FIRING" : "RESOLVED")
                + "] " + alert.alertname() + (alert.target().isEmpty() ? "" : " " + alert.target())
                + " (" + alert.severity().wire() + ")")
                // a line break in a subject would start a new mail header
                .replaceAll("[\\r\\n]+", " ");
        StringBuilder text = new StringBuilder();
        StringBuilder html = new StringBuilder("<html><body style=\"font-family:sans-serif\">");
        text.append(subject).append("\n\n").append(alert.summary()).append('\n');
        html.append("<h2>").append(h(subject)).append("</h2><p><b>").append(h(alert.summary())).append("</b></p>");
        String description = alert.annotation("description");
        if (description != null && !description.isBlank() && !description.equals(alert.summary())) {
            text.append(description).append('\n');
            html.append("<p>").append(h(description)).append("</p>");
        }
        if (alert.severityNote() != null) {
            text.append("Note: ").append(alert.severityNote()).append('\n');
            html.append("<p><i>").append(h(alert.severityNote())).append("</i></p>");
        }
        text.append("\nStatus:   ").append(alert.status().wire())
                .append("\nSeverity: ").append(alert.severity().wire())
                .append("\nSince:    ").append(alert.startsAt());
        if (alert.endsAt() != null) {
            text.append("\nEnded:    ").append(alert.endsAt());
        }
        text.append("\nSource:   ").append(alert.source()).append("\n\nLabels:\n");
        html.append("<table cellpadding=\"4\" style=\"border-collapse:collapse\">");
        row(html, "Status", alert.status().wire());
        row(html, "Severity", alert.severity().wire());
        row(html, "Since", alert.startsAt().toString());
        if (alert.endsAt() != null) {
            row(html, "Ended", alert.endsAt().toString());
        }
        row(html, "Source", alert.source());
        html.append("</table><h3>Labels</h3><ul>");
        for (Map.Entry<String, String> e : alert.labels().entrySet()) {
            text.append("  ").append(e.getKey()).append('=').append(e.getValue()).append('\n');
            html.append("<li><code>").append(h(e.getKey())).append('=').append(h(e.getValue())).append("</code></li>");
        }
        html.append("</ul>");
        link(text, html, "Runbook", alert.annotation("runbook_url"));
        link(text, html, "Source expression", alert.generatorURL());
        html.append("</body></html>");
        scope.put("subject", subject);
        return Json.write(new Message(subject, texts.render(TEXT_TEMPLATE, scope, text::toString),
                texts.render(HTML_TEMPLATE, scope, html::toString)));
    }

    /**
     * A reminder of a still-firing, unacknowledged alert: its mail, with a subject starting
     * {@code [REMINDER]} and a first line saying since when it fires.
     */
    public String reminder(Alert alert, java.time.Instant now) {
        Message m = Json.read(render(alert), Message.class);
        String since = "Still firing since " + alert.startsAt() + " (" + dev.alerthub.config.Durations.format(
                java.time.Duration.between(alert.startsAt(), now).truncatedTo(java.time.temporal.ChronoUnit.MINUTES))
                + "), not acknowledged.";
        String subject = "[REMINDER] " + m.subject().replaceFirst("^\\[FIRING\\] ", "");
        return Json.write(new Message(subject, "Reminder: " + since + "\n\n" + m.text(),
                m.html().replaceFirst("<body([^>]*)>", "<body$1><p><b>Reminder:</b> " + h(since) + "</p>")));
    }

    /** Property alerthub.request: a rendered {@link Message} as JSON. Sets what camel-mail needs, or marks log-only. */
    public void prepareSend(Exchange exchange) {
        Optional<String> to = settings.get(Outbound.target(exchange), "to");
        Message m = Json.read(Outbound.request(exchange), Message.class);
        Outbound.clearHeaders(exchange);
        boolean live = !host.isEmpty() && to.isPresent();
        Outbound.live(exchange, live);
        exchange.getMessage().setHeader("Subject", m.subject());
        exchange.getMessage().setHeader("From", from);
        to.ifPresent(t -> exchange.getMessage().setHeader("To", t));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/html; charset=UTF-8");
        exchange.getMessage().setHeader("CamelMailAlternativeBody", m.text());
        exchange.getMessage().setBody(live ? m.html() : m.text());
        if (live) {
            exchange.setProperty(Outbound.URL, endpoint());
        }
    }

    public boolean isEnabled() {
        return !host.isEmpty() && settings.get("", "to").isPresent();
    }

    /**
     * The camel-mail endpoint, without the password: an endpoint URI shows in JMX and the endpoint
     * registry. The password is set once on the smtp component ({@link #configure}), whose
     * configuration every smtp endpoint starts from.
     */
    String endpoint() {
        StringBuilder uri = new StringBuilder("smtp://").append(host).append(':').append(port)
                .append("?connectionTimeout=10000");
        if (!username.isEmpty()) {
            uri.append("&username=").append(URLEncoder.encode(username, StandardCharsets.UTF_8));
        }
        return uri.toString();
    }

    /** Gives the smtp component the password (when there is a user to log in as). */
    public void configure(CamelContext context) {
        if (!username.isEmpty() && !password.isEmpty()) {
            context.getComponent("smtp", MailComponent.class).getConfiguration().setPassword(password);
        }
    }

    private static void row(StringBuilder html, String name, String value) {
        html.append("<tr><th align=\"left\">").append(h(name)).append("</th><td>").append(h(value)).append("</td></tr>");
    }

    /** Only an http(s) URL becomes a link; anything else (javascript:, data:) is shown as text. */
    private static void link(StringBuilder text, StringBuilder html, String name, String url) {
        if (url == null || url.isBlank()) {
            return;
        }
        text.append(name).append(": ").append(url).append('\n');
        Optional<String> href = Links.http(url);
        if (href.isPresent()) {
            html.append("<p><a href=\"").append(h(href.get())).append("\">").append(h(name)).append("</a></p>");
        } else {
            html.append("<p>").append(h(name)).append(": <code>").append(h(url)).append("</code></p>");
        }
    }

    static String h(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&#39;");
    }
}
