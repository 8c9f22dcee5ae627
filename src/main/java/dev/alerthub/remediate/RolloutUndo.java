package dev.alerthub.remediate;

import dev.alerthub.kube.Rollouts;
import dev.alerthub.kube.Kubernetes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.alerthub.alert.Json;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code kubectl rollout undo deployment/NAME [--to-revision=N]}, step for step as kubectl's
 * DeploymentRollbacker (kubernetes/kubectl {@code pkg/polymorphichelpers/rollback.go}) does it, on
 * the fabric8 client. Not fabric8's {@code rolling().undo()}, which picks and applies differently.
 */
public class RolloutUndo {
    /** Kept from the Deployment, never copied from the ReplicaSet (kubectl's annotationsToSkip). */
    static final Set<String> DEPLOYMENT_OWN_ANNOTATIONS = Set.of(
            "kubectl.kubernetes.io/last-applied-configuration",
            "deployment.kubernetes.io/revision",
            "deployment.kubernetes.io/revision-history",
            "deployment.kubernetes.io/desired-replicas",
            "deployment.kubernetes.io/max-replicas",
            "deprecated.deployment.rollback.to");

    /** What a rollback will do: the ReplicaSet restored and the one JSON Patch that restores it. */
    public record Undo(ReplicaSet source, long revision, PodTemplateSpec template, Map<String, String> annotations,
                       String patch) {
    }

    private final Kubernetes kubernetes;

    public RolloutUndo(Kubernetes kubernetes) {
        this.kubernetes = kubernetes;
    }

    /** Route step: lists the Deployment's ReplicaSets and plans the undo, or closes the case. */
    public RemediationCase plan(RemediationCase c) {
        if (!c.isOpen()) {
            return c;
        }
        Deployment d = c.target();
        try {
            List<ReplicaSet> listed = KubeRefusals.client(kubernetes).apps().replicaSets().inNamespace(c.namespace())
                    .withLabelSelector(d.getSpec().getSelector()).list().getItems();
            long toRevision = c.toRevision() == null ? 0 : c.toRevision();
            Undo undo = undo(d, listed, toRevision);
            return c.withChange(new Change(Rollouts.revisionOf(d), Rollouts.images(d.getSpec().getTemplate()),
                    String.valueOf(undo.revision()), Rollouts.images(undo.template()), null, null,
                    Rollouts.templateKey(d.getSpec().getTemplate()), Rollouts.templateKey(undo.template()), undo.patch()));
        } catch (Refusal r) {
            return c.refuse(r);
        } catch (KubernetesClientException e) {
            return c.refuse(KubeRefusals.failure("listing the ReplicaSets of " + c.targetName(), e));
        }
    }

    /** Route step: sends the planned patch. */
    public RemediationCase apply(RemediationCase c) {
        if (!c.isProceed()) {
            return c;
        }
        try {
            KubeRefusals.client(kubernetes).apps().deployments().inNamespace(c.namespace()).withName(c.deployment())
                    .patch(PatchContext.of(PatchType.JSON), c.change().patch());
            return c.close(Outcome.DONE, "rolled back " + c.targetName() + " from revision "
                    + c.change().fromRevision() + " (" + c.change().fromImage() + ") to the template of revision "
                    + c.change().toRevision() + " (" + c.change().toImage() + ")");
        } catch (KubernetesClientException e) {
            return c.refuse(KubeRefusals.failure("patching deployment " + c.targetName(), e));
        }
    }

    /**
     * kubectl's algorithm. toRevision 0 means "the previous one": the second-highest revision among
     * the Deployment's own ReplicaSets. Throws a {@link Refusal} where kubectl errors or skips.
     */
    public static Undo undo(Deployment d, List<ReplicaSet> listed, long toRevision) {
        String name = d.getMetadata().getName();
        if (toRevision < 0) {
            throw revisionNotFound(toRevision);
        }
        ReplicaSet chosen = chooseRevision(d, listed, toRevision);
        if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
            throw new Refusal(Outcome.failed("deployment-paused"), "you cannot rollback a paused deployment; resume it"
                    + " first with 'kubectl rollout resume deployment/" + name + "' and try again");
        }
        long revision = Rollouts.revision(chosen);
        if (Rollouts.equalIgnoreHash(chosen.getSpec().getTemplate(), d.getSpec().getTemplate())) {
            throw new Refusal(Outcome.skipped("already-at-revision"),
                    "skipped rollback (current template already matches revision " + revision + ")");
        }
        PodTemplateSpec template = Rollouts.SERIALIZATION.clone(chosen.getSpec().getTemplate());
        if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
            template.getMetadata().getLabels().remove(Rollouts.POD_TEMPLATE_HASH);
        }
        Map<String, String> annotations = new TreeMap<>();
        Map<String, String> own = d.getMetadata().getAnnotations() == null ? Map.of() : d.getMetadata().getAnnotations();
        for (String k : DEPLOYMENT_OWN_ANNOTATIONS) {
            if (own.containsKey(k)) {
                annotations.put(k, own.get(k));
            }
        }
        Map<String, String> copied = chosen.getMetadata().getAnnotations() == null ? Map.of()
                : chosen.getMetadata().getAnnotations();
        copied.forEach((k, v) -> {
            if (!DEPLOYMENT_OWN_ANNOTATIONS.contains(k)) {
                annotations.put(k, v);
            }
        });
        return new Undo(chosen, revision, template, annotations, patch(template, annotations));
    }

    /** kubectl's getDeploymentPatch: one JSON Patch replacing the pod template and the annotations. */
    static String patch(PodTemplateSpec template, Map<String, String> annotations) {
        ArrayNode ops = Json.MAPPER.createArrayNode();
        ops.addObject().put("op", "replace").put("path", "/spec/template")
                .set("value", Rollouts.SERIALIZATION.convertValue(template, JsonNode.class));
        ops.addObject().put("op", "replace").put("path", "/metadata/annotations")
                .set("value", Json.MAPPER.valueToTree(new LinkedHashMap<>(annotations)));
        return ops.toString();
    }

    /** kubectl's deploymentRevision: walk the old ReplicaSets then the current one, keeping the two newest. */
    private static ReplicaSet chooseRevision(Deployment d, List<ReplicaSet> listed, long toRevision) {
        List<ReplicaSet> owned = Rollouts.owned(d, listed);
        ReplicaSet current = Rollouts.current(d, owned);
        List<ReplicaSet> all = new ArrayList<>();
        for (ReplicaSet rs : owned) {
            if (current == null || !Objects.equals(rs.getMetadata().getUid(), current.getMetadata().getUid())) {
                all.add(rs);
            }
        }
        if (current != null) {
            all.add(current);
        }
        ReplicaSet latest = null;
        long latestRevision = -1;
        ReplicaSet previous = null;
        long previousRevision = -1;
        for (ReplicaSet rs : all) {
            Long v = Rollouts.revision(rs);
            if (v == null) {
                continue;
            }
            if (toRevision == 0) {
                if (latestRevision < v) {
                    previousRevision = latestRevision;
                    previous = latest;
                    latestRevision = v;
                    latest = rs;
                } else if (previousRevision < v) {
                    previousRevision = v;
                    previous = rs;
                }
            } else if (toRevision == v) {
                return rs;
            }
        }
        if (toRevision > 0) {
            throw revisionNotFound(toRevision);
        }
        if (previous == null) {
            throw new Refusal(Outcome.failed("no-rollout-history"),
                    "no rollout history found for deployment \"" + d.getMetadata().getName() + "\"");
        }
        return previous;
    }

    private static Refusal revisionNotFound(long revision) {
        return new Refusal(Outcome.failed("revision-not-found"), "unable to find specified revision " + revision
                + " in history");
    }
}
