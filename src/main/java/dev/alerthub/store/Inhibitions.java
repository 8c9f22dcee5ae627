package dev.alerthub.store;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.InhibitRule;
import dev.alerthub.alert.Json;
import dev.alerthub.alert.Matcher;
import dev.alerthub.metrics.Metrics;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Alertmanager's inhibition, on the alerts in the store: a firing alert that an inhibit rule's
 * target side matches is muted while a firing source alert matches the rule's source side with the
 * same {@code equal} labels. Muted like a silenced alert (stored, not routed, not remediated, recorded
 * in alert_mutes), and told by the silence-end sweep once its source no longer fires.
 */
public class Inhibitions {
    /** Header set on an alert event that an inhibition mutes: {@code rule/sourceFingerprint}. */
    public static final String INHIBITED_BY = "inhibitedBy";

    private final Database db;
    private final Metrics metrics;
    private final Mutes mutes;
    private final Supplier<List<InhibitRule>> rules;

    /** @param silences the store's silences, whose record of mutes this shares (one sweep releases both) */
    public Inhibitions(Database db, SilenceStore silences, Metrics metrics, Supplier<List<InhibitRule>> rules) {
        this.db = db;
        this.metrics = metrics;
        this.mutes = silences.mutes();
        this.rules = rules;
        silences.useInhibitions(this);
    }

    /**
     * Body: the alert of a claimed event (header eventId). Sets header inhibitedBy on a firing alert
     * that an inhibition mutes, and records the mute; leaves one a silence muted already alone.
     */
    public void check(Exchange exchange) {
        Message msg = exchange.getMessage();
        msg.removeHeader(INHIBITED_BY);
        Alert alert = msg.getBody(Alert.class);
        if (alert == null || !alert.isFiring() || msg.getHeader(SilenceStore.SILENCED_BY) != null) {
            return;
        }
        Mutes.By by = inhibiting(alert);
        if (by == null) {
            return;
        }
        Long eventId = msg.getHeader(Outbox.EVENT_ID, Long.class);
        if (eventId != null) {
            mutes.record(eventId, alert, by);
        }
        msg.setHeader(INHIBITED_BY, by.describe());
        metrics.count("alerthub.alerts.inhibited");
    }

    /** The first rule and firing source alert that inhibit this alert now, or null. */
    Mutes.By inhibiting(Alert alert) {
        for (InhibitRule rule : rules.get()) {
            if (!rule.isTarget(alert.labels())) {
                continue;
            }
            for (Alert source : firingCandidates(rule, alert.fingerprint())) {
                if (rule.inhibits(source.labels(), alert.labels())) {
                    return Mutes.By.inhibition(rule.name(), source.fingerprint());
                }
            }
        }
        return null;
    }

    List<String> ruleNames() {
        return rules.get().stream().map(InhibitRule::name).toList();
    }

    /**
     * The firing alerts that could be this rule's source: narrowed by alertname in SQL when the
     * rule's source side names one exactly (the usual case), the matchers decide the rest.
     */
    private List<Alert> firingCandidates(InhibitRule rule, String targetFingerprint) {
        String alertname = rule.source().all().stream()
                .filter(m -> m.name().equals("alertname") && m.type() == Matcher.Type.EQUAL)
                .map(Matcher::value).findFirst().orElse(null);
        String sql = "SELECT body FROM alerts WHERE status = 'firing' AND fingerprint <> ?"
                + (alertname == null ? "" : " AND alertname = ?");
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Database.bind(ps, alertname == null ? new Object[] {targetFingerprint}
                        : new Object[] {targetFingerprint, alertname});
                List<Alert> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(Json.read(rs.getString(1), Alert.class));
                    }
                }
                return out;
            }
        });
    }
}
