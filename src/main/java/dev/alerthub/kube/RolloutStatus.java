package dev.alerthub.kube;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;

/**
 * What {@code kubectl rollout status deployment/NAME} says about a Deployment right now (kubectl's
 * DeploymentStatusViewer): still waiting, successfully rolled out, or failed for good because the
 * rollout exceeded its progress deadline.
 */
public record RolloutStatus(State state, String message) {
    public enum State { WAITING, AVAILABLE, FAILED }

    public static RolloutStatus of(Deployment d) {
        String name = d.getMetadata().getName();
        DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        long observed = s.getObservedGeneration() == null ? 0 : s.getObservedGeneration();
        if (generation > observed) {
            return new RolloutStatus(State.WAITING, "waiting for deployment spec update to be observed");
        }
        for (DeploymentCondition c : s.getConditions() == null ? java.util.List.<DeploymentCondition>of() : s.getConditions()) {
            if ("Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason())) {
                return new RolloutStatus(State.FAILED, "deployment \"" + name + "\" exceeded its progress deadline");
            }
        }
        int updated = n(s.getUpdatedReplicas());
        int replicas = n(s.getReplicas());
        int available = n(s.getAvailableReplicas());
        Integer desired = d.getSpec().getReplicas();
        if (desired != null && updated < desired) {
            return new RolloutStatus(State.WAITING, updated + " out of " + desired
                    + " new replicas have been updated");
        }
        if (replicas > updated) {
            return new RolloutStatus(State.WAITING, (replicas - updated) + " old replicas are pending termination");
        }
        if (available < updated) {
            return new RolloutStatus(State.WAITING, available + " of " + updated + " updated replicas are available");
        }
        return new RolloutStatus(State.AVAILABLE, "deployment \"" + name + "\" successfully rolled out");
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }
}
