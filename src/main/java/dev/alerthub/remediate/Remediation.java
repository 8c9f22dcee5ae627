package dev.alerthub.remediate;

import dev.alerthub.kube.KubernetesNames;
import dev.alerthub.kube.Kubernetes;
import dev.alerthub.metrics.Metrics;
import dev.alerthub.alert.Alert;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * The steps routes/remediate/*.camel.yaml take for every alert that asks for an action: record the
 * request durably, check what needs no cluster, read the target, decide under the lock, record the
 * outcome. The actions themselves are {@link RolloutUndo}, {@link RolloutRestart} and
 * {@link ScaleDeployment}.
 */
public class Remediation {
    /** Header carrying the audit row id between routes. */
    public static final String ID = "remediationId";
    /** The label a Deployment must carry, with value "true", for the hub to act on it. */
    public static final String OPT_IN_LABEL = "alerthub.io/remediate";
    private static final Logger LOG = LoggerFactory.getLogger(Remediation.class);

    private final RemediationQueue queue;
    private final RemediationDecisions decisions;
    private final RemediationHolds holds;
    private final RemediationSettings settings;
    private final Kubernetes kubernetes;
    private final Guards guards;
    private final Metrics metrics;

    public Remediation(RemediationQueue queue, RemediationDecisions decisions, RemediationHolds holds,
                       RemediationSettings settings, Kubernetes kubernetes, Metrics metrics) {
        this.queue = queue;
        this.decisions = decisions;
        this.holds = holds;
        this.settings = settings;
        this.kubernetes = kubernetes;
        this.guards = new Guards(settings.cooldown(), settings.maxPerHour());
        this.metrics = metrics;
    }

    /**
     * Router hook (body: the routed alert, left as it is). Records a firing alert's request for an
     * action and sets the {@value #ID} header, unless the same occurrence was recorded before.
     */
    public void request(Exchange exchange) {
        exchange.getMessage().removeHeader(ID);
        Alert alert = exchange.getMessage().getBody(Alert.class);
        if (alert == null || !alert.isFiring()) {
            return;
        }
        String ns = alert.label("namespace");
        String name = alert.label("deployment");
        Long id = queue.request(alert, alert.label(Action.LABEL), KubernetesNames.isNamespace(ns) ? ns : null,
                KubernetesNames.isDeploymentName(name) ? name : null);
        if (id != null) {
            exchange.getMessage().setHeader(ID, id);
        }
    }

    /** Takes the request for this worker: the case to decide, or null when another worker has it. */
    public RemediationCase claim(@Header(ID) long id) {
        Alert alert = queue.claim(id);
        return alert == null ? null : RemediationCase.of(id, alert);
    }

    /** Requests the fast path lost, for the recovery route. */
    public List<Long> due() {
        return queue.due();
    }

    /**
     * Everything that can be refused without the cluster or the lock: the action, the label values as
     * Kubernetes names, the scale bound, the namespace allowlist, the kill switch and the hold.
     */
    public RemediationCase check(RemediationCase c) {
        Alert a = c.alert();
        Action action = Action.of(a.label(Action.LABEL));
        if (action == null) {
            return c.close(Outcome.skipped("unknown-action"), "action " + KubernetesNames.quote(a.label(Action.LABEL))
                    + " is not rollback, restart or scale");
        }
        String ns = a.label("namespace");
        String name = a.label("deployment");
        if (!KubernetesNames.isNamespace(ns)) {
            return c.checked(action, null, null, null, null).close(Outcome.skipped("invalid-namespace"),
                    "label namespace " + KubernetesNames.quote(ns) + " is not a Kubernetes namespace name (DNS-1123 label)");
        }
        if (!KubernetesNames.isDeploymentName(name)) {
            return c.checked(action, ns, null, null, null).close(Outcome.skipped("invalid-deployment"),
                    "label deployment " + KubernetesNames.quote(name) + " is not a Kubernetes name (DNS-1123 subdomain)");
        }
        Integer replicas = null;
        Long toRevision = null;
        if (action == Action.SCALE) {
            replicas = wholeNumber(a.label("replicas"), Integer.MAX_VALUE);
            if (replicas == null) {
                return c.checked(action, ns, name, null, null).close(Outcome.skipped("invalid-replicas"),
                        "label replicas " + KubernetesNames.quote(a.label("replicas")) + " is not a whole number >= 0");
            }
            if (replicas > settings.maxReplicas()) {
                return c.checked(action, ns, name, replicas, null).close(Outcome.skipped("replicas-above-max"),
                        "replicas " + replicas + " is above alerthub.remediation.max-replicas (" + settings.maxReplicas() + ")");
            }
        }
        if (action == Action.ROLLBACK && a.label("to_revision") != null) {
            Integer r = wholeNumber(a.label("to_revision"), Integer.MAX_VALUE);
            if (r == null || r == 0) {
                return c.checked(action, ns, name, null, null).close(Outcome.skipped("invalid-revision"),
                        "label to_revision " + KubernetesNames.quote(a.label("to_revision")) + " is not a revision number");
            }
            toRevision = (long) r;
        }
        RemediationCase checked = c.checked(action, ns, name, replicas, toRevision);
        if (!settings.namespaces().contains(ns)) {
            return checked.close(Outcome.skipped("namespace-not-allowed"), "namespace " + ns
                    + " is not in alerthub.remediation.namespaces");
        }
        Guards.Verdict early = guards.early(holds.control().paused(), holds.holdReason(ns, name));
        return early == null ? checked : checked.close(early.outcome(), early.detail());
    }

    /** Reads the target (read-only) and refuses unless it is labelled alerthub.io/remediate: "true". */
    public RemediationCase target(RemediationCase c) {
        if (!c.isOpen()) {
            return c;
        }
        try {
            Deployment d = KubeRefusals.client(kubernetes).apps().deployments().inNamespace(c.namespace())
                    .withName(c.deployment()).get();
            if (d == null) {
                return c.close(Outcome.failed("deployment-not-found"), "deployment " + c.targetName() + " not found");
            }
            Map<String, String> labels = d.getMetadata().getLabels();
            if (labels == null || !"true".equals(labels.get(OPT_IN_LABEL))) {
                return c.withTarget(d).close(Outcome.skipped("not-opted-in"), "deployment " + c.targetName()
                        + " is not labelled " + OPT_IN_LABEL + ": \"true\"");
            }
            return c.withTarget(d);
        } catch (Refusal r) {
            return c.refuse(r);
        } catch (KubernetesClientException e) {
            return c.refuse(KubeRefusals.failure("reading deployment " + c.targetName(), e));
        }
    }

    /** Lock, store guards, audit row: one transaction. */
    public RemediationCase decide(RemediationCase c) {
        return decisions.decide(c, guards, settings.dryRun(), settings.lease());
    }

    /** Records the result of an action that ran (verification starts when done), counts and logs every decision. */
    public void finish(Exchange exchange) {
        RemediationCase c = exchange.getMessage().getBody(RemediationCase.class);
        decisions.finish(c, settings.rolloutTimeout(), settings.verifyWindow());
        String outcome = c.outcome() == null ? Outcome.failed("undecided") : c.outcome();
        metrics.count("alerthub.actions", "action", c.action() == null ? "unknown" : c.getActionName(),
                "outcome", Outcome.kind(outcome), "reason", Outcome.reason(outcome));
        String line = "Remediation {} {} {} for {} {}: {}{}";
        Object[] args = {c.id(), c.action() == null ? "?" : c.getActionName(), c.targetName().isEmpty() ? "(no target)"
                : c.targetName(), c.alert().alertname(), c.alert().fingerprint(), outcome,
                c.detail() == null ? "" : " (" + c.detail() + ")"};
        if (outcome.startsWith("failed:")) {
            LOG.warn(line, args);
        } else {
            LOG.info(line, args);
        }
        exchange.getMessage().setHeader(ID, c.id());
    }

    private static Integer wholeNumber(String s, int max) {
        if (s == null || !s.trim().matches("\\d{1,10}")) {
            return null;
        }
        long v = Long.parseLong(s.trim());
        return v > max ? null : (int) v;
    }
}
