package dev.alerthub.remediate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alerthub.alert.Json;
import dev.alerthub.store.DeadLetters;
import dev.alerthub.store.Deliveries;
import org.apache.camel.Exchange;

/**
 * The Slack message for every remediation decision and every verification result: what was asked,
 * what the hub did or why not, and from-revision/image to-revision/image. Sent through the Slack
 * sink's own send route, so it shares its webhook settings, rate limit, retry policy and dead letters.
 */
public class RemediationMessages {
    private final RemediationAudit audit;
    private final String target;

    public RemediationMessages(RemediationAudit audit, String target) {
        this.audit = audit;
        this.target = target == null ? "" : target;
    }

    /** Header remediationId (and verdict, for a verification). Sets what direct:slack-send reads. */
    public void slack(Exchange exchange) {
        long id = exchange.getMessage().getHeader(Remediation.ID, Long.class);
        String verdict = exchange.getMessage().getHeader(RemediationVerifier.VERDICT, String.class);
        RemediationAudit.Row row = audit.row(id);
        exchange.setProperty(Deliveries.SINK, "slack");
        exchange.setProperty(Deliveries.TARGET, target);
        exchange.setProperty(Deliveries.ALERT, row.alert());
        exchange.setProperty(DeadLetters.REQUEST, verdict == null ? decision(row) : verification(row, verdict));
    }

    static String decision(RemediationAudit.Row r) {
        String outcome = r.outcome() == null ? "undecided" : r.outcome();
        String action = r.action().isEmpty() ? "(no action)" : r.action();
        String target = r.target().isEmpty() ? "(invalid target)" : r.target();
        String emoji = switch (Outcome.kind(outcome)) {
            case Outcome.DONE -> ":wrench:";
            case Outcome.DRY_RUN -> ":test_tube:";
            case "skipped" -> ":no_entry_sign:";
            default -> ":x:";
        };
        String change = change(r);
        ObjectNode msg = Json.MAPPER.createObjectNode();
        msg.put("text", "[remediation] " + action + " " + target + ": " + outcome
                + (change.isEmpty() ? "" : " (" + change + ")") + " for " + r.alertname());
        ArrayNode blocks = msg.putArray("blocks");
        header(blocks, emoji + " Remediation " + outcome + ": " + action + " " + target);
        ObjectNode section = blocks.addObject().put("type", "section");
        section.putObject("text").put("type", "mrkdwn").put("text", cut(escape(r.detail() == null ? outcome : r.detail()), 3000));
        ArrayNode fields = section.putArray("fields");
        field(fields, "Outcome", outcome);
        field(fields, "Alert", r.alertname());
        if (r.fromRevision() != null || r.fromImage() != null) {
            field(fields, "From", revision(r.fromRevision(), r.fromImage(), r.fromReplicas()));
        }
        if (r.toRevision() != null || r.toImage() != null) {
            field(fields, "To", revision(r.toRevision(), r.toImage(), r.toReplicas()));
        }
        if (Outcome.DONE.equals(outcome)) {
            field(fields, "Next", "verifying: rollout available and alert resolved");
        }
        context(blocks, r);
        return msg.toString();
    }

    static String verification(RemediationAudit.Row r, String verdict) {
        boolean passed = "passed".equals(verdict);
        ObjectNode msg = Json.MAPPER.createObjectNode();
        msg.put("text", "[remediation] " + r.action() + " " + r.target() + (passed ? " helped: " : " did not help: ")
                + r.verifyDetail());
        ArrayNode blocks = msg.putArray("blocks");
        header(blocks, (passed ? ":white_check_mark: Remediation helped: " : ":rotating_light: Remediation did not help: ")
                + r.action() + " " + r.target());
        String text = passed ? escape(r.verifyDetail())
                : escape(r.verifyDetail()) + "\nPaged PagerDuty. *" + escape(r.target()) + "* is held: no further "
                + "action until `DELETE /api/remediation/holds/" + escape(r.namespace()) + "/" + escape(r.deployment()) + "`";
        ObjectNode section = blocks.addObject().put("type", "section");
        section.putObject("text").put("type", "mrkdwn").put("text", cut(text, 3000));
        ArrayNode fields = section.putArray("fields");
        field(fields, "Action", r.detail() == null ? r.action() : r.detail());
        field(fields, "Alert", r.alertname());
        context(blocks, r);
        return msg.toString();
    }

    private static String change(RemediationAudit.Row r) {
        if (r.fromRevision() == null && r.fromImage() == null) {
            return "";
        }
        return "from " + revision(r.fromRevision(), r.fromImage(), r.fromReplicas()) + " to "
                + revision(r.toRevision(), r.toImage(), r.toReplicas());
    }

    private static String revision(String revision, String image, Integer replicas) {
        StringBuilder s = new StringBuilder();
        if (revision != null && !revision.isEmpty()) {
            s.append("revision ").append(revision);
        }
        if (image != null && !image.isEmpty()) {
            s.append(s.isEmpty() ? "" : " ").append(image);
        }
        if (replicas != null) {
            s.append(s.isEmpty() ? "" : ", ").append(replicas).append(" replicas");
        }
        return s.isEmpty() ? "new revision" : s.toString();
    }

    private static void header(ArrayNode blocks, String text) {
        blocks.addObject().put("type", "header").putObject("text").put("type", "plain_text").put("emoji", true)
                .put("text", cut(text, 150));
    }

    private static void context(ArrayNode blocks, RemediationAudit.Row r) {
        blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", cut("audit " + r.id() + " · alert `" + escape(r.fingerprint()) + "` · GET /api/actions", 3000));
    }

    private static void field(ArrayNode fields, String name, String value) {
        fields.addObject().put("type", "mrkdwn").put("text", cut("*" + name + "*\n" + escape(value), 2000));
    }

    static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
