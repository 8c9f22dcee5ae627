package dev.alerthub.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How kubectl sees a Deployment's rollout history (kubectl {@code pkg/util/deployment}): the
 * ReplicaSets its selector matches <em>and</em> whose controller reference is this Deployment, each
 * numbered by its {@code deployment.kubernetes.io/revision} annotation.
 */
public final class Rollouts {
    public static final String REVISION = "deployment.kubernetes.io/revision";
    public static final String POD_TEMPLATE_HASH = "pod-template-hash";
    public static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Rollouts() {
    }

    /** The ReplicaSets of this Deployment, sorted as kubectl sorts them (creation time, then name). */
    public static List<ReplicaSet> owned(KubernetesClient client, Deployment d) {
        List<ReplicaSet> listed = client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace())
                .withLabelSelector(d.getSpec().getSelector()).list().getItems();
        return owned(d, listed);
    }

    /** Keeps those whose controller reference is the Deployment (metav1.IsControlledBy), sorted. */
    public static List<ReplicaSet> owned(Deployment d, List<ReplicaSet> listed) {
        String uid = d.getMetadata().getUid();
        List<ReplicaSet> owned = new ArrayList<>();
        for (ReplicaSet rs : listed) {
            OwnerReference controller = controllerOf(rs);
            if (controller != null && Objects.equals(controller.getUid(), uid)) {
                owned.add(rs);
            }
        }
        owned.sort(Comparator.comparing((ReplicaSet rs) -> created(rs))
                .thenComparing(rs -> rs.getMetadata().getName()));
        return owned;
    }

    private static OwnerReference controllerOf(HasMetadata o) {
        List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
        for (OwnerReference ref : refs == null ? List.<OwnerReference>of() : refs) {
            if (Boolean.TRUE.equals(ref.getController())) {
                return ref;
            }
        }
        return null;
    }

    private static Instant created(ReplicaSet rs) {
        String t = rs.getMetadata().getCreationTimestamp();
        try {
            return t == null ? Instant.EPOCH : Instant.parse(t);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    /**
     * deploymentutil.Revision: a missing annotation is revision 0; one that is not a number makes the
     * ReplicaSet invisible to rollback (null).
     */
    public static Long revision(HasMetadata o) {
        Map<String, String> annotations = o.getMetadata().getAnnotations();
        String v = annotations == null ? null : annotations.get(REVISION);
        if (v == null) {
            return 0L;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The ReplicaSet whose template is the Deployment's (the oldest, if several), or null. */
    public static ReplicaSet current(Deployment d, List<ReplicaSet> sortedOwned) {
        for (ReplicaSet rs : sortedOwned) {
            if (equalIgnoreHash(rs.getSpec().getTemplate(), d.getSpec().getTemplate())) {
                return rs;
            }
        }
        return null;
    }

    /**
     * Two pod templates are the same rollout when they are equal apart from the pod-template-hash
     * label. As apimachinery's semantic equality, an absent and an empty list or map are equal.
     * Quantities are compared as stored by the API server, which keeps them in canonical form.
     */
    public static boolean equalIgnoreHash(PodTemplateSpec a, PodTemplateSpec b) {
        return normalised(a).equals(normalised(b));
    }

    private static JsonNode normalised(PodTemplateSpec t) {
        JsonNode node = t == null ? SERIALIZATION.convertValue(new PodTemplateSpec(), JsonNode.class)
                : SERIALIZATION.convertValue(t, JsonNode.class);
        JsonNode labels = node.path("metadata").path("labels");
        if (labels instanceof ObjectNode l) {
            l.remove(POD_TEMPLATE_HASH);
        }
        prune(node);
        return node;
    }

    /**
     * A pod template's identity across revisions: sha-256 of its normalised form (no pod-template-hash,
     * nothing empty, keys sorted), the same for a Deployment's template and its ReplicaSet's copy.
     */
    public static String templateKey(PodTemplateSpec t) {
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(CANONICAL.treeToValue(normalised(t), Object.class));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    /** Drops nulls, empty arrays and empty objects, depth first. */
    private static boolean prune(JsonNode node) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                if (prune(it.next().getValue())) {
                    it.remove();
                }
            }
            return node.isEmpty();
        }
        if (node.isArray()) {
            for (JsonNode child : node) {
                prune(child);
            }
            return node.isEmpty();
        }
        return node.isNull();
    }

    /** The images of a pod template's containers, comma separated (what a responder recognises). */
    public static String images(PodTemplateSpec t) {
        if (t == null || t.getSpec() == null) {
            return "";
        }
        return t.getSpec().getContainers().stream().map(Container::getImage).filter(Objects::nonNull)
                .collect(Collectors.joining(","));
    }

    /** The Deployment's revision annotation, or "" when it has none. */
    public static String revisionOf(Deployment d) {
        Map<String, String> a = d.getMetadata().getAnnotations();
        String v = a == null ? null : a.get(REVISION);
        return v == null ? "" : v;
    }
}
