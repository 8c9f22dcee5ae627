package dev.alerthub.lifecycle;

import dev.alerthub.notify.PagerDuty;
import dev.alerthub.notify.Slack;
import dev.alerthub.store.AlertLifecycle;
import dev.alerthub.store.ConflictException;
import dev.alerthub.store.InvalidRequestException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An acknowledgement (routes/lifecycle/acknowledge.camel.yaml): stored until the alert resolves,
 * it stops reminders and escalation; the alert's PagerDuty incident (and its escalation's) gets
 * {@code acknowledge}, and its Slack message is posted again saying who acknowledged it.
 */
public class Acknowledge {
    /** Header: a fingerprint, or {@code group:<id>} for a group message's alerts. */
    public static final String TARGET = "ackTarget";
    /** Header: who acknowledges (required). */
    public static final String BY = "ackBy";
    /** Header: why, or what is being done (optional). */
    public static final String COMMENT = "ackComment";
    /** Exchange property: the answer, set back as the body by {@link #answer}. */
    public static final String ANSWER = "alerthub.ackAnswer";
    static final int MAX_BY = 256;
    static final int MAX_COMMENT = 4096;
    private static final String GROUP = "group:";
    private static final Logger LOG = LoggerFactory.getLogger(Acknowledge.class);

    private final AlertLifecycle store;
    private final AlertGroups groups;
    private final Slack slack;

    public Acknowledge(AlertLifecycle store, AlertGroups groups, Slack slack) {
        this.store = store;
        this.groups = groups;
        this.slack = slack;
    }

    /** Headers ackTarget, ackBy, ackComment. Leaves the messages to send as the body (a list of {@link Outgoing}). */
    public List<Outgoing> acknowledge(Exchange exchange) {
        Message msg = exchange.getMessage();
        String target = text(msg.getHeader(TARGET, String.class));
        String by = text(msg.getHeader(BY, String.class));
        String comment = text(msg.getHeader(COMMENT, String.class));
        if (target == null) {
            throw new InvalidRequestException("ackTarget: missing (a fingerprint, or group:<id>)");
        }
        if (by == null) {
            throw new InvalidRequestException("by: missing (who acknowledges)");
        }
        if (by.length() > MAX_BY) {
            throw new InvalidRequestException("by: longer than " + MAX_BY + " characters");
        }
        if (comment != null && comment.length() > MAX_COMMENT) {
            throw new InvalidRequestException("comment: longer than " + MAX_COMMENT + " characters");
        }
        List<Outgoing> out = new ArrayList<>();
        if (target.startsWith(GROUP)) {
            String group = target.substring(GROUP.length());
            List<Map<String, Object>> alerts = new ArrayList<>();
            for (String fp : groups.members(group)) {
                try {
                    alerts.add(one(fp, by, comment, out));
                } catch (ConflictException e) {
                    // a group's resolved alerts need no acknowledgement
                }
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("group", group);
            answer.put("acknowledged", alerts);
            exchange.setProperty(ANSWER, answer);
        } else {
            exchange.setProperty(ANSWER, one(target, by, comment, out));
        }
        return out;
    }

    /** Body: the answer for the API (what was acknowledged, by whom, when). */
    public Object answer(Exchange exchange) {
        return exchange.getProperty(ANSWER);
    }

    private Map<String, Object> one(String fingerprint, String by, String comment, List<Outgoing> out) {
        AlertLifecycle.Acknowledged a = store.acknowledge(fingerprint, by, comment);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("fingerprint", fingerprint);
        answer.put("alertname", a.alert().alertname());
        answer.put("acknowledgedBy", a.by());
        answer.put("acknowledgedAt", a.at());
        if (a.comment() != null) {
            answer.put("comment", a.comment());
        }
        if (a.already()) {
            answer.put("already", true);
            return answer;
        }
        LOG.info("{} {} acknowledged by {}{}", a.alert().alertname(), fingerprint, by,
                comment == null ? "" : ": " + comment);
        int before = out.size();
        String event = PagerDuty.event("acknowledge", fingerprint);
        a.pagedTargets().forEach(t -> out.add(new Outgoing("pagerduty", t, "ack", a.alert(), event)));
        if (a.escalated()) {
            out.add(new Outgoing("pagerduty", "", "ack", a.alert(),
                    PagerDuty.event("acknowledge", PagerDuty.escalationKey(fingerprint))));
        }
        String message = slack.render(a.alert(), null, by);
        a.slackTargets().forEach(t -> out.add(new Outgoing("slack", t, "ack", a.alert(), message)));
        answer.put("told", out.subList(before, out.size()).stream().map(o -> o.sink() + (o.target().isEmpty() ? "" : ":" + o.target())).toList());
        return answer;
    }

    private static String text(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
