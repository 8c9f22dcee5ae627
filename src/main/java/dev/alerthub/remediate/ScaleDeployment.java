package dev.alerthub.remediate;

import dev.alerthub.kube.Rollouts;
import dev.alerthub.kube.Kubernetes;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;

/**
 * {@code kubectl scale deployment/NAME --replicas=N} through the scale subresource: read the Scale,
 * then write it back with the new count. The write carries the read's resourceVersion, so a scale
 * that changed in between (an HPA, a person) makes this one fail with a conflict instead of
 * silently overriding it. The requested count was bounded by alerthub.remediation.max-replicas
 * before anything was read from the cluster.
 */
public class ScaleDeployment {
    private final Kubernetes kubernetes;

    public ScaleDeployment(Kubernetes kubernetes) {
        this.kubernetes = kubernetes;
    }

    public RemediationCase plan(RemediationCase c) {
        if (!c.isOpen()) {
            return c;
        }
        Integer current = c.target().getSpec().getReplicas();
        String image = Rollouts.images(c.target().getSpec().getTemplate());
        String revision = Rollouts.revisionOf(c.target());
        return c.withChange(Change.scale(revision, image, current == null ? 1 : current, c.replicas()));
    }

    public RemediationCase apply(RemediationCase c) {
        if (!c.isProceed()) {
            return c;
        }
        try {
            RollableScalableResource<?> deployment = KubeRefusals.client(kubernetes).apps().deployments()
                    .inNamespace(c.namespace()).withName(c.deployment());
            Scale scale = deployment.scale();
            int from = scale.getSpec().getReplicas() == null ? 0 : scale.getSpec().getReplicas();
            scale.getSpec().setReplicas(c.replicas());
            deployment.scale(scale);
            Change change = Change.scale(c.change().fromRevision(), c.change().fromImage(), from, c.replicas());
            return c.withChange(change).close(Outcome.DONE, "scaled " + c.targetName() + " from " + from + " to "
                    + c.replicas() + " replicas");
        } catch (KubernetesClientException e) {
            return c.refuse(KubeRefusals.failure("scaling deployment " + c.targetName(), e));
        }
    }
}
