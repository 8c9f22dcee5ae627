package dev.alerthub.remediate;

import dev.alerthub.notify.SlackApi;
import dev.alerthub.notify.SlackMessage;
import dev.alerthub.notify.SlackMessage.Mrkdwn;
import dev.alerthub.store.DeadLetters;
import dev.alerthub.store.Deliveries;
import org.apache.camel.Exchange;

import java.util.LinkedHashMap;
import java.util.Map;

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
        // Slack Web API mode: a reply in the thread of the alert's message, not a message of its own
        exchange.setProperty(SlackApi.REPLY, true);
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
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Outcome", outcome);
        fields.put("Alert", r.alertname());
        if (r.fromRevision() != null || r.fromImage() != null) {
            fields.put("From", revision(r.fromRevision(), r.fromImage(), r.fromReplicas()));
        }
        if (r.toRevision() != null || r.toImage() != null) {
            fields.put("To", revision(r.toRevision(), r.toImage(), r.toReplicas()));
        }
        if (Outcome.DONE.equals(outcome)) {
            fields.put("Next", "verifying: rollout available and alert resolved");
        }
        return SlackMessage.withText("[remediation] " + action + " " + target + ": " + outcome
                        + (change.isEmpty() ? "" : " (" + change + ")") + " for " + r.alertname())
                .header(emoji + " Remediation " + outcome + ": " + action + " " + target)
                .section(Mrkdwn.of().text(r.detail() == null ? outcome : r.detail()), fields)
                .context(auditLine(r)).json();
    }

    static String verification(RemediationAudit.Row r, String verdict) {
        boolean passed = "passed".equals(verdict);
        Mrkdwn text = Mrkdwn.of().text(r.verifyDetail());
        if (!passed) {
            text.newline().text("Paged PagerDuty. ").bold(r.target()).text(" is held: no further action until ")
                    .code("DELETE /api/remediation/holds/" + r.namespace() + "/" + r.deployment());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Action", r.detail() == null ? r.action() : r.detail());
        fields.put("Alert", r.alertname());
        return SlackMessage.withText("[remediation] " + r.action() + " " + r.target()
                        + (passed ? " helped: " : " did not help: ") + r.verifyDetail())
                .header((passed ? ":white_check_mark: Remediation helped: " : ":rotating_light: Remediation did not help: ")
                        + r.action() + " " + r.target())
                .section(text, fields)
                .context(auditLine(r)).json();
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

    private static Mrkdwn auditLine(RemediationAudit.Row r) {
        return Mrkdwn.of().text("audit " + r.id() + " · alert ").code(r.fingerprint()).text(" · GET /api/actions");
    }
}
