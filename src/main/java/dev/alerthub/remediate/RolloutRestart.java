package dev.alerthub.remediate;

import dev.alerthub.kube.Rollouts;
import dev.alerthub.kube.Kubernetes;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alerthub.alert.Json;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * {@code kubectl rollout restart deployment/NAME}: the pod-template annotation
 * {@code kubectl.kubernetes.io/restartedAt} set to now (RFC 3339, seconds) with the patch document
 * kubectl computes; a paused Deployment is refused as kubectl refuses it. kubectl sends that document
 * as a strategic merge patch; it holds no list, so as a JSON merge patch (RFC 7386) it changes exactly
 * the same fields, and that is what is sent here: fabric8's mock API server, which the tests run
 * against, accepts only the latter.
 */
public class RolloutRestart {
    public static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

    private final Kubernetes kubernetes;
    private final Clock clock;

    public RolloutRestart(Kubernetes kubernetes, Clock clock) {
        this.kubernetes = kubernetes;
        this.clock = clock;
    }

    public RemediationCase plan(RemediationCase c) {
        if (!c.isOpen()) {
            return c;
        }
        try {
            String patch = restart(c.target(), clock);
            String image = Rollouts.images(c.target().getSpec().getTemplate());
            return c.withChange(new Change(Rollouts.revisionOf(c.target()), image, null, image, null, null, null, null, patch));
        } catch (Refusal r) {
            return c.refuse(r);
        }
    }

    public RemediationCase apply(RemediationCase c) {
        if (!c.isProceed()) {
            return c;
        }
        try {
            KubeRefusals.client(kubernetes).apps().deployments().inNamespace(c.namespace()).withName(c.deployment())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), c.change().patch());
            return c.close(Outcome.DONE, "restarted " + c.targetName() + " (revision " + c.change().fromRevision()
                    + ", " + c.change().fromImage() + ")");
        } catch (KubernetesClientException e) {
            return c.refuse(KubeRefusals.failure("patching deployment " + c.targetName(), e));
        }
    }

    /** The patch kubectl sends: {"spec":{"template":{"metadata":{"annotations":{restartedAt: now}}}}}. */
    static String restart(Deployment d, Clock clock) {
        if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
            throw new Refusal(Outcome.failed("deployment-paused"),
                    "can't restart paused deployment (run rollout resume first)");
        }
        ObjectNode patch = Json.MAPPER.createObjectNode();
        patch.putObject("spec").putObject("template").putObject("metadata").putObject("annotations")
                .put(RESTARTED_AT, rfc3339(clock));
        return patch.toString();
    }

    /** Go's time.RFC3339 layout (seconds, numeric offset or Z), in UTC. */
    static String rfc3339(Clock clock) {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
