package dev.alerthub.lifecycle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alerthub.alert.Json;
import dev.alerthub.notify.SlackMessage;
import dev.alerthub.notify.SlackMessage.Mrkdwn;

import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The digest as people read it: a mail (plain text and HTML, every value escaped) and a Slack
 * message (a plain {@code text} fallback and Block Kit {@code blocks}). Pure: figures in, the request
 * the email and Slack send routes take out ({@code {subject, text, html}} and {@code {text, blocks}}).
 */
public class DigestMessages {
    private final ZoneId zone;

    /** Times are shown in {@code zone} (alerthub.digest.timezone), so "since 07:12" means the reader's morning. */
    public DigestMessages(ZoneId zone) {
        this.zone = zone;
    }

    /** The mail request: JSON {@code {subject, text, html}}. */
    public String email(Digest d) {
        List<String[]> lines = lines(d);
        StringBuilder text = new StringBuilder(title(d)).append("\n\n");
        StringBuilder html = new StringBuilder("<html><body style=\"font-family:sans-serif\"><h2>")
                .append(h(title(d))).append("</h2><table cellpadding=\"4\" style=\"border-collapse:collapse\">");
        for (String[] l : lines) {
            text.append(String.format("%-18s %s%n", l[0] + ":", l[1]));
            html.append("<tr><th align=\"left\" valign=\"top\">").append(h(l[0])).append("</th><td>")
                    .append(h(l[1])).append("</td></tr>");
        }
        html.append("</table>");
        List<String> oldest = oldest(d);
        if (!oldest.isEmpty()) {
            text.append("\nLongest firing:\n");
            html.append("<h3>Longest firing</h3><ul>");
            for (String o : oldest) {
                text.append("  - ").append(o).append('\n');
                html.append("<li>").append(h(o)).append("</li>");
            }
            html.append("</ul>");
        }
        text.append('\n').append(footer(d)).append('\n');
        html.append("<p style=\"color:#666\">").append(h(footer(d))).append("</p></body></html>");
        ObjectNode msg = Json.MAPPER.createObjectNode();
        msg.put("subject", subject(d));
        msg.put("text", text.toString());
        msg.put("html", html.toString());
        return msg.toString();
    }

    /** The Slack request: JSON {@code {text, blocks}}, from the one Slack builder. */
    public String slack(Digest d) {
        Map<String, String> fields = new LinkedHashMap<>();
        lines(d).forEach(l -> fields.put(l[0], l[1]));
        SlackMessage msg = SlackMessage.withText(subject(d)).header(title(d)).section(Mrkdwn.of(), fields);
        List<String> oldest = oldest(d);
        if (!oldest.isEmpty()) {
            Mrkdwn text = Mrkdwn.of().bold("Longest firing");
            oldest.forEach(o -> text.newline().text("• " + o));
            msg.section(text);
        }
        return msg.context(Mrkdwn.of().text(footer(d))).json();
    }

    String subject(Digest d) {
        return "[DIGEST] alerthub, last " + d.hours() + "h: " + d.fired().total() + " fired, "
                + d.resolved().total() + " resolved, " + d.stillFiring().total() + " still firing";
    }

    private String title(Digest d) {
        return "Alert digest: the last " + d.hours() + " hours";
    }

    private List<String[]> lines(Digest d) {
        List<String[]> out = new ArrayList<>();
        out.add(new String[] {"Fired", d.fired().total() + severities(d.fired().bySeverity())});
        out.add(new String[] {"Resolved", d.resolved().total() + severities(d.resolved().bySeverity())});
        out.add(new String[] {"Fired by team", counts(d.fired().byTeam())});
        out.add(new String[] {"Time to resolve", d.timeToResolve().p50Seconds() == null ? "nothing resolved"
                : "p50 " + human(d.timeToResolve().p50Seconds()) + ", p90 " + human(d.timeToResolve().p90Seconds())
                + " (" + d.timeToResolve().resolved() + " resolved)"});
        out.add(new String[] {"Noisiest", d.noisiest().isEmpty() ? "none" : d.noisiest().stream()
                .map(n -> n.alertname() + (n.namespace().isEmpty() ? "" : " (" + n.namespace() + ")") + " x" + n.firings())
                .collect(Collectors.joining(", "))});
        out.add(new String[] {"Remediation", d.actions().isEmpty() ? "none" : d.actions().stream()
                .map(a -> a.action() + " " + a.outcome() + " x" + a.count()).collect(Collectors.joining(", "))});
        out.add(new String[] {"Dead letters", d.deadLetters().total() + (d.deadLetters().bySink().isEmpty() ? ""
                : " (" + counts(d.deadLetters().bySink()) + ")") + ", " + d.deadLetters().open() + " not replayed"});
        out.add(new String[] {"Still firing", d.stillFiring().total() + severities(d.stillFiring().bySeverity())});
        return out;
    }

    private List<String> oldest(Digest d) {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z").withZone(zone);
        return d.stillFiring().oldest().stream().map(o -> o.alertname()
                + (o.namespace().isEmpty() ? "" : " (" + o.namespace() + ")") + ", " + o.severity() + ", since "
                + f.format(o.since())).toList();
    }

    private String footer(Digest d) {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z").withZone(zone);
        return "From " + f.format(d.from()) + " to " + f.format(d.to()) + " (GET /api/digest?hours=" + d.hours() + ")"
                + (d.eventsCut() ? "; more events than one digest reads: counts are lower bounds" : "");
    }

    private static String severities(Map<String, Long> bySeverity) {
        String s = bySeverity.entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
        return s.isEmpty() ? "" : " (" + s + ")";
    }

    private static String counts(Map<String, Long> counts) {
        return counts.isEmpty() ? "none" : counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** 45s, 12m 05s, 3h 20m, 2d 4h: the two largest units. */
    static String human(long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return d.toMinutes() + "m " + String.format("%02ds", d.toSecondsPart());
        }
        if (seconds < 86400) {
            return d.toHours() + "h " + String.format("%02dm", d.toMinutesPart());
        }
        return d.toDays() + "d " + d.toHoursPart() + "h";
    }

    static String h(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    /** Slack mrkdwn: &, < and > are the only characters Slack asks to escape. */
    static String esc(String s) {
        return SlackMessage.escape(s);
    }

}
