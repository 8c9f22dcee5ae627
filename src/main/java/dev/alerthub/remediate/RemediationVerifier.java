package dev.alerthub.remediate;

import dev.alerthub.config.Durations;
import dev.alerthub.kube.RolloutStatus;
import dev.alerthub.kube.Kubernetes;
import dev.alerthub.metrics.Metrics;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.store.AlertStore;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * After an action: did it help? The rollout must become available (as {@code kubectl rollout status}
 * judges it) within alerthub.remediation.rollout-timeout, and the alert that asked for the action
 * must resolve within alerthub.remediation.verify-window. If either does not happen, the hub pages
 * "remediation did not help" and holds the Deployment: it never acts on it again by itself, so a
 * bad rollback cannot turn into a rollback loop. Checked by a timer route, from the store, so a
 * verification survives a restart.
 */
public class RemediationVerifier {
    /** Header set by {@link #check}: passed or failed; absent while the verification goes on. */
    public static final String VERDICT = "verdict";
    public static final String ESCALATION_ALERTNAME = "RemediationDidNotHelp";
    private static final Logger LOG = LoggerFactory.getLogger(RemediationVerifier.class);

    private final RemediationDecisions decisions;
    private final RemediationHolds holds;
    private final RemediationAudit audit;
    private final AlertStore alerts;
    private final Kubernetes kubernetes;
    private final RemediationSettings settings;
    private final Metrics metrics;
    private final Clock clock;

    public RemediationVerifier(RemediationDecisions decisions, RemediationHolds holds, RemediationAudit audit, AlertStore alerts, Kubernetes kubernetes,
                               RemediationSettings settings, Metrics metrics, Clock clock) {
        this.decisions = decisions;
        this.holds = holds;
        this.audit = audit;
        this.alerts = alerts;
        this.kubernetes = kubernetes;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Actions under verification. */
    public List<Long> due() {
        return decisions.verifying();
    }

    /** Header remediationId. Sets the {@value #VERDICT} header once the verification is over. */
    public void check(Exchange exchange) {
        long id = exchange.getMessage().getHeader(Remediation.ID, Long.class);
        exchange.getMessage().removeHeader(VERDICT);
        RemediationAudit.Row r = audit.row(id);
        if (r == null) {
            return;
        }
        if (RemediationSql.ESCALATING.equals(r.verifyState())) {
            exchange.getMessage().setHeader(VERDICT, "failed");
            return;
        }
        Instant now = clock.instant();
        String failure = null;
        try {
            Deployment d = KubeRefusals.client(kubernetes).apps().deployments().inNamespace(r.namespace())
                    .withName(r.deployment()).get();
            RolloutStatus status = d == null ? null : RolloutStatus.of(d);
            if (d == null) {
                failure = "deployment " + r.target() + " no longer exists";
            } else if (status.state() == RolloutStatus.State.FAILED) {
                failure = "the rollout failed: " + status.message();
            } else if (status.state() == RolloutStatus.State.WAITING) {
                if (now.isAfter(r.rolloutDeadline())) {
                    failure = "the rollout was not available within " + Durations.format(settings.rolloutTimeout())
                            + " (alerthub.remediation.rollout-timeout): " + status.message();
                }
            } else if (resolved(r)) {
                if (decisions.settle(id, RemediationSql.VERIFYING, RemediationSql.PASSED,
                        "rollout available and " + r.alertname() + " resolved")) {
                    metrics.count("alerthub.remediation.verifications", "action", r.action(), "result", "passed");
                    LOG.info("Remediation {} ({} {}) helped: rollout available and {} resolved", id, r.action(),
                            r.target(), r.alertname());
                    exchange.getMessage().setHeader(VERDICT, "passed");
                }
                return;
            } else if (now.isAfter(r.verifyDeadline())) {
                failure = r.alertname() + " was still firing " + Durations.format(settings.verifyWindow())
                        + " after the " + r.action() + " (alerthub.remediation.verify-window)";
            }
        } catch (Refusal | KubernetesClientException e) {
            if (now.isAfter(r.rolloutDeadline())) {
                failure = "the rollout could not be checked: " + e.getMessage();
            }
        }
        if (failure != null && decisions.settle(id, RemediationSql.VERIFYING, RemediationSql.ESCALATING, failure)) {
            metrics.count("alerthub.remediation.verifications", "action", r.action(), "result", "failed");
            LOG.warn("Remediation {} ({} {}) did not help: {}; paging and holding the Deployment", id, r.action(),
                    r.target(), failure);
            exchange.getMessage().setHeader(VERDICT, "failed");
        }
    }

    /**
     * Pages "remediation did not help" through the normal path (a canonical alert from source hub,
     * severity critical, into the store and the router) and holds the Deployment. Returns what the
     * store accepted, whose new events the route hands to the router.
     */
    public AlertStore.Accepted escalate(@Header(Remediation.ID) long id) {
        RemediationAudit.Row r = audit.row(id);
        AlertStore.Accepted accepted = alerts.accept(List.of(escalation(r)));
        holds.hold(id, r.namespace(), r.deployment(), r.action() + " at " + r.decidedAt() + " did not help: "
                + r.verifyDetail());
        return accepted;
    }

    /** The page. Its start is when the verification failed, so a retried escalation is the same alert. */
    static Alert escalation(RemediationAudit.Row r) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", ESCALATION_ALERTNAME);
        labels.put("severity", "critical");
        labels.put("namespace", r.namespace());
        labels.put("deployment", r.deployment());
        labels.put("remediation", r.action());
        String team = r.alert().label("team");
        if (team != null) {
            labels.put("team", team);
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", "Remediation did not help: " + r.action() + " of " + r.target() + " for "
                + r.alertname() + ". " + r.verifyDetail());
        annotations.put("description", (r.detail() == null ? r.action() : r.detail()) + " at " + r.decidedAt()
                + ", for alert " + r.alertname() + " (" + r.fingerprint() + "). " + r.verifyDetail()
                + ". alerthub will not act on " + r.target() + " again until an operator releases it: "
                + "DELETE /api/remediation/holds/" + r.namespace() + "/" + r.deployment());
        annotations.put("remediation_id", String.valueOf(r.id()));
        String runbook = r.alert().annotation("runbook_url");
        if (runbook != null) {
            annotations.put("runbook_url", runbook);
        }
        Instant at = r.verifiedAt() == null ? Instant.now() : r.verifiedAt();
        return Alert.of(AlertStatus.FIRING, labels, annotations, at, null, null, "hub");
    }

    /** The occurrence that asked is over (resolved, or replaced by a new occurrence). */
    private boolean resolved(RemediationAudit.Row r) {
        Alert stored = alerts.find(r.fingerprint());
        return stored == null || !stored.isFiring() || !stored.startsAt().equals(r.alert().startsAt());
    }
}
