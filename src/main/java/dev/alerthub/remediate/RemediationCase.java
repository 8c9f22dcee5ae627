package dev.alerthub.remediate;

import dev.alerthub.alert.Alert;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * One alert's request for an action, as it travels through routes/remediate: each step either
 * adds what it learnt (the validated target, the Deployment read from the cluster, the planned
 * change) or closes the case with an outcome. Closed cases pass through the remaining steps.
 *
 * @param id      the audit row
 * @param action  null until the label has been checked
 * @param target  the Deployment as read from the cluster, once read
 * @param outcome null while undecided; {@link Outcome#ACTING} once the change is allowed to run
 */
public record RemediationCase(long id, Alert alert, Action action, String namespace, String deployment,
                              Integer replicas, Long toRevision, Deployment target, Change change,
                              String outcome, String detail) {

    public static RemediationCase of(long id, Alert alert) {
        return new RemediationCase(id, alert, null, null, null, null, null, null, null, null, null);
    }

    /** Still undecided: the next step may look at it. */
    public boolean isOpen() {
        return outcome == null;
    }

    /** Allowed to change the cluster. */
    public boolean isProceed() {
        return Outcome.ACTING.equals(outcome);
    }

    /** The action's wire name for routes ({@code ${body.actionName} == 'rollback'}), "" before it is known. */
    public String getActionName() {
        return action == null ? "" : action.wire();
    }

    public String targetName() {
        return namespace == null || deployment == null ? "" : namespace + "/" + deployment;
    }

    public RemediationCase checked(Action a, String ns, String name, Integer n, Long revision) {
        return new RemediationCase(id, alert, a, ns, name, n, revision, target, change, outcome, detail);
    }

    public RemediationCase withTarget(Deployment d) {
        return new RemediationCase(id, alert, action, namespace, deployment, replicas, toRevision, d, change,
                outcome, detail);
    }

    public RemediationCase withChange(Change c) {
        return new RemediationCase(id, alert, action, namespace, deployment, replicas, toRevision, target, c,
                outcome, detail);
    }

    public RemediationCase close(String newOutcome, String newDetail) {
        return new RemediationCase(id, alert, action, namespace, deployment, replicas, toRevision, target, change,
                newOutcome, newDetail);
    }

    public RemediationCase refuse(Refusal r) {
        return close(r.outcome(), r.getMessage());
    }
}
