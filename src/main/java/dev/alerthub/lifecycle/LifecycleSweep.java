package dev.alerthub.lifecycle;

import dev.alerthub.alert.Alert;
import dev.alerthub.config.Durations;
import dev.alerthub.notify.Email;
import dev.alerthub.notify.PagerDuty;
import dev.alerthub.notify.Slack;
import dev.alerthub.store.AlertLifecycle;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The lifecycle sweep (routes/lifecycle/sweep.camel.yaml, leader only): escalates warnings nobody
 * acknowledged after {@code alerthub.escalation.after}, reminds still-firing unacknowledged alerts
 * every {@code alerthub.repeat-interval} on the Slack/email targets they were notified on, and
 * resolves an escalation page when its alert resolves. Silences and inhibition are checked by the
 * route between {@code toEscalate}/{@code toRemind} and {@code escalate}/{@code remind}.
 */
public class LifecycleSweep {
    static final int BATCH = 200;
    private static final Logger LOG = LoggerFactory.getLogger(LifecycleSweep.class);

    private final AlertLifecycle store;
    private final PagerDuty pagerDuty;
    private final Slack slack;
    private final Email email;
    private final Clock clock;
    private final Duration escalateAfter;
    private final Duration repeatInterval;

    /**
     * @param escalateAfter  null: no escalation
     * @param repeatInterval null: no reminders
     */
    public LifecycleSweep(AlertLifecycle store, PagerDuty pagerDuty, Slack slack, Email email, Clock clock,
                          Duration escalateAfter, Duration repeatInterval) {
        this.store = store;
        this.pagerDuty = pagerDuty;
        this.slack = slack;
        this.email = email;
        this.clock = clock;
        this.escalateAfter = escalateAfter;
        this.repeatInterval = repeatInterval;
    }

    /** Resolve events for escalation pages whose alert resolved (or fires again as a new occurrence). */
    public List<Outgoing> closedEscalations() {
        List<Outgoing> out = new ArrayList<>();
        for (Alert a : store.escalationsToClose(BATCH)) {
            if (store.markEscalationClosed(a)) {
                out.add(new Outgoing("pagerduty", "", "escalation", a,
                        PagerDuty.event("resolve", PagerDuty.escalationKey(a.fingerprint()))));
            }
        }
        return out;
    }

    /** Firing warnings, not acknowledged nor escalated, that started at least escalation.after ago. */
    public List<Alert> toEscalate() {
        return escalateAfter == null ? List.of() : store.toEscalate(clock.instant().minus(escalateAfter), BATCH);
    }

    /** Body: an alert {@link #toEscalate} found and no silence or inhibition mutes. Its page, once. */
    public List<Outgoing> escalate(Exchange exchange) {
        Alert alert = exchange.getMessage().getBody(Alert.class);
        if (!store.markEscalated(alert)) {
            return List.of();
        }
        String why = "not acknowledged after " + Durations.format(escalateAfter);
        LOG.info("Escalating {} {} to PagerDuty: {}", alert.alertname(), alert.fingerprint(), why);
        return List.of(new Outgoing("pagerduty", "", "escalation", alert, pagerDuty.escalation(alert, why)));
    }

    /** Firing alerts, not acknowledged, whose last reminder (or start) is repeat-interval ago. */
    public List<Alert> toRemind() {
        return repeatInterval == null ? List.of() : store.toRemind(repeatInterval, BATCH);
    }

    /** Body: an alert {@link #toRemind} found and nothing mutes. Its reminders, once per interval. */
    public List<Outgoing> remind(Exchange exchange) {
        Alert alert = exchange.getMessage().getBody(Alert.class);
        Instant now = clock.instant();
        List<Outgoing> out = new ArrayList<>();
        for (AlertLifecycle.Target t : store.markReminded(alert, repeatInterval)) {
            String message = t.sink().equals("slack") ? slack.reminder(alert, now) : email.reminder(alert, now);
            out.add(new Outgoing(t.sink(), t.target(), "reminder", alert, message));
        }
        if (!out.isEmpty()) {
            LOG.info("Reminding of {} {} (firing since {}) on {}", alert.alertname(), alert.fingerprint(),
                    alert.startsAt(), out.stream().map(Outgoing::sink).toList());
        }
        return out;
    }
}
