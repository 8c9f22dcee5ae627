package dev.alerthub.remediate;

import dev.alerthub.kube.Kubernetes;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** The Kubernetes API's answers in the audit's words: a {@link Refusal} with an outcome and a reason. */
final class KubeRefusals {
    private KubeRefusals() {
    }

    /** The client, or a refusal saying that no cluster is configured. */
    static KubernetesClient client(Kubernetes kubernetes) {
        if (!kubernetes.isConfigured()) {
            throw new Refusal(Outcome.failed("kubernetes-not-configured"), Kubernetes.NOT_CONFIGURED);
        }
        return kubernetes.client();
    }

    /** An API failure in audit words: forbidden (RBAC), not found, conflict, or any other error. */
    static Refusal failure(String doing, KubernetesClientException e) {
        int code = e.getCode();
        String reason = switch (code) {
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 409 -> "conflict";
            default -> "kubernetes-error";
        };
        String msg = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
        String text = doing + ": " + (code > 0 ? "HTTP " + code + " " : "") + (msg == null ? "" : msg);
        if (code == 403) {
            text += " (the hub's ServiceAccount lacks this permission; docs/remediation.md lists the Role)";
        }
        return new Refusal(Outcome.failed(reason), text.length() > 1500 ? text.substring(0, 1500) + "…" : text);
    }

}
