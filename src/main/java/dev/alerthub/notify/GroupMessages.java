package dev.alerthub.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import dev.alerthub.notify.SlackMessage.Mrkdwn;
import dev.alerthub.store.AlertGroups;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One message for a group of alerts (docs/sinks.md#grouping): the first {@value #IN_FULL} alerts in
 * full (firing first, the latest change first), then the counts by alertname and by namespace, and
 * the total with how many fire and how many are resolved. Slack (Block Kit, through
 * {@link SlackMessage}), email, and a PagerDuty incident for the whole group.
 */
public class GroupMessages {
    /** How many alerts a group message shows in full. */
    static final int IN_FULL = 10;
    /** How many names a count lists before "n others". */
    static final int TOP = 10;
    /** How many alerts a PagerDuty group incident lists in custom_details. */
    static final int PAGED_LIST = 100;

    static final String SLACK_TEXT_TEMPLATE = "slack-group-text.slack";
    static final String EMAIL_SUBJECT_TEMPLATE = "email-group-subject";
    static final String PAGERDUTY_SUMMARY_TEMPLATE = "pagerduty-group-summary";

    private final MessageTexts texts;
    private final String clientUrl;

    public GroupMessages(MessageTexts texts, String clientUrl) {
        this.texts = texts;
        this.clientUrl = clientUrl;
    }

    /** A Slack message for the group. */
    public String slack(AlertGroups.Snapshot group) {
        Counts n = new Counts(group.members());
        String state = n.firing > 0 ? "FIRING" : "RESOLVED";
        Map<String, Object> scope = scope(group, n);
        SlackMessage msg = SlackMessage.withMrkdwnText(texts.render(SLACK_TEXT_TEMPLATE, scope,
                () -> SlackMessage.escape(headline(state, n))));
        msg.header((n.firing > 0 ? ":rotating_light: " : ":white_check_mark: ") + state + ": " + n.total + " alerts, "
                + n.firing + " firing");
        Mrkdwn list = Mrkdwn.of();
        for (Alert a : n.shown) {
            (list.isEmpty() ? list : list.newline()).text(a.isFiring() ? ":red_circle: " : ":white_check_mark: ").bold(a.alertname())
                    .text(a.target().isEmpty() ? "" : " " + a.target()).text(" (" + a.severity().wire() + "): "
                            + a.summary());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Total", String.valueOf(n.total));
        fields.put("Firing", String.valueOf(n.firing));
        fields.put("Resolved", String.valueOf(n.resolved));
        msg.section(list, fields);
        if (n.total > n.shown.size()) {
            msg.section(Mrkdwn.of().bold("…and " + (n.total - n.shown.size()) + " more").newline()
                    .text("By alertname: " + line(n.byAlertname)).newline().text("By namespace: " + line(n.byNamespace)));
        }
        return msg.context(Mrkdwn.of().text("Alertmanager group ").code(group.key())).json();
    }

    /** A mail for the group ({@link Email.Message} as JSON). */
    public String email(AlertGroups.Snapshot group) {
        Counts n = new Counts(group.members());
        String state = n.firing > 0 ? "FIRING" : "RESOLVED";
        String subject = texts.render(EMAIL_SUBJECT_TEMPLATE, scope(group, n), () -> headline(state, n))
                .replaceAll("[\\r\\n]+", " ");
        StringBuilder text = new StringBuilder(subject).append("\n\n");
        StringBuilder html = new StringBuilder("<html><body style=\"font-family:sans-serif\"><h2>")
                .append(Email.h(subject)).append("</h2><p>").append(n.total).append(" alerts: ").append(n.firing)
                .append(" firing, ").append(n.resolved).append(" resolved</p><ul>");
        text.append(n.total).append(" alerts: ").append(n.firing).append(" firing, ").append(n.resolved)
                .append(" resolved\n\n");
        for (Alert a : n.shown) {
            String line = "[" + a.status().wire().toUpperCase() + "] " + a.alertname()
                    + (a.target().isEmpty() ? "" : " " + a.target()) + " (" + a.severity().wire() + "): " + a.summary();
            text.append("- ").append(line).append('\n');
            html.append("<li>").append(Email.h(line)).append("</li>");
        }
        html.append("</ul>");
        if (n.total > n.shown.size()) {
            text.append("\n...and ").append(n.total - n.shown.size()).append(" more\nBy alertname: ")
                    .append(line(n.byAlertname)).append("\nBy namespace: ").append(line(n.byNamespace)).append('\n');
            html.append("<p><b>…and ").append(n.total - n.shown.size()).append(" more</b></p><p>By alertname: ")
                    .append(Email.h(line(n.byAlertname))).append("<br>By namespace: ")
                    .append(Email.h(line(n.byNamespace))).append("</p>");
        }
        text.append("\nAlertmanager group: ").append(group.key()).append('\n');
        html.append("<p>Alertmanager group: <code>").append(Email.h(group.key())).append("</code></p></body></html>");
        return Json.write(new Email.Message(subject, text.toString(), html.toString()));
    }

    /**
     * One PagerDuty event for the whole group: dedup_key {@code group:<hash>}, a summary with the
     * count and the top alertnames and namespaces, custom_details listing the alerts; or its resolve.
     */
    public String pagerDuty(AlertGroups.Snapshot group) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        boolean trigger = !"resolve".equals(group.action());
        event.put("event_action", trigger ? "trigger" : "resolve");
        event.put("dedup_key", group.dedupKey());
        if (!trigger) {
            return event.toString();
        }
        Counts n = new Counts(group.members());
        ObjectNode payload = event.putObject("payload");
        String summary = texts.render(PAGERDUTY_SUMMARY_TEMPLATE, scope(group, n), () -> "[FIRING] " + n.firing
                + " critical alerts: " + line(n.byAlertname) + " in " + line(n.byNamespace));
        payload.put("summary", summary.length() <= 1024 ? summary : summary.substring(0, 1023) + "…");
        payload.put("source", "alerthub");
        payload.put("severity", "critical");
        group.members().stream().map(Alert::startsAt).min(Comparator.naturalOrder())
                .ifPresent(t -> payload.put("timestamp", t.toString()));
        if (!n.byNamespace.isEmpty()) {
            payload.put("group", n.byNamespace.keySet().iterator().next());
        }
        payload.put("class", "alert group");
        ObjectNode details = payload.putObject("custom_details");
        details.put("group_key", group.key());
        details.put("firing", n.firing);
        details.set("by_alertname", Json.MAPPER.valueToTree(n.byAlertname));
        details.set("by_namespace", Json.MAPPER.valueToTree(n.byNamespace));
        ArrayNode alerts = details.putArray("alerts");
        group.members().stream().limit(PAGED_LIST).forEach(a -> alerts.addObject()
                .put("alertname", a.alertname()).put("target", a.target()).put("summary", a.summary())
                .put("fingerprint", a.fingerprint()).put("startsAt", a.startsAt().toString()));
        event.put("client", "alerthub");
        if (clientUrl != null && !clientUrl.isEmpty()) {
            event.put("client_url", clientUrl);
        }
        return event.toString();
    }

    private static String headline(String state, Counts n) {
        return "[" + state + "] " + n.total + " alerts (" + n.firing + " firing, " + n.resolved + " resolved): "
                + line(n.byAlertname);
    }

    /** Templates see: groupKey, total, firing, resolved, alerts (the first ten, as an alert's template sees one), byAlertname, byNamespace, more. */
    private static Map<String, Object> scope(AlertGroups.Snapshot group, Counts n) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("groupKey", group.key());
        s.put("total", n.total);
        s.put("firing", n.firing);
        s.put("resolved", n.resolved);
        s.put("STATUS", n.firing > 0 ? "FIRING" : "RESOLVED");
        s.put("alerts", n.shown.stream().map(TemplateScope::alert).toList());
        s.put("byAlertname", entries(n.byAlertname));
        s.put("byNamespace", entries(n.byNamespace));
        s.put("more", Math.max(0, n.total - n.shown.size()));
        return s;
    }

    private static List<Map<String, Object>> entries(Map<String, Long> counts) {
        List<Map<String, Object>> out = new ArrayList<>();
        counts.forEach((name, count) -> out.add(Map.of("name", name, "count", count)));
        return out;
    }

    /** "A 200, B 100, 3 others 12". */
    static String line(Map<String, Long> counts) {
        List<String> parts = new ArrayList<>();
        long otherNames = 0;
        long otherCount = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (parts.size() < TOP) {
                parts.add(e.getKey() + " " + e.getValue());
            } else {
                otherNames++;
                otherCount += e.getValue();
            }
        }
        if (otherNames > 0) {
            parts.add(otherNames + " others " + otherCount);
        }
        return String.join(", ", parts);
    }

    /** A group's counts, and the alerts shown in full. */
    private static final class Counts {
        final int total;
        final long firing;
        final long resolved;
        final List<Alert> shown;
        final Map<String, Long> byAlertname;
        final Map<String, Long> byNamespace;

        Counts(List<Alert> members) {
            total = members.size();
            firing = members.stream().filter(Alert::isFiring).count();
            resolved = total - firing;
            shown = members.stream().sorted(Comparator.comparing(a -> !a.isFiring())).limit(IN_FULL).toList();
            byAlertname = counted(members, Alert::alertname);
            byNamespace = counted(members, a -> a.labels().getOrDefault("namespace", "(no namespace)"));
        }

        /** Most first, then by name. */
        private static Map<String, Long> counted(List<Alert> members, Function<Alert, String> key) {
            return members.stream().collect(Collectors.groupingBy(key, Collectors.counting())).entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        }
    }
}
