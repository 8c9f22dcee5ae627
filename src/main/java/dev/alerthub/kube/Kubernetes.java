package dev.alerthub.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Kubernetes API the hub acts on and diagnoses with: the fabric8 client camel-kubernetes brings,
 * or none when no cluster is configured (then actions fail with a clear reason and pages carry no
 * rollout facts, instead of every page waiting for an API that is not there).
 */
public final class Kubernetes implements AutoCloseable {
    public static final String NOT_CONFIGURED = "no Kubernetes API: set alerthub.kubernetes.master-url, or run the"
            + " hub in the cluster or with a kubeconfig";
    private final KubernetesClient client;
    private final String where;

    private Kubernetes(KubernetesClient client, String where) {
        this.client = client;
        this.where = where;
    }

    /**
     * masterUrl empty: the in-cluster ServiceAccount, or ~/.kube/config ($KUBECONFIG). One attempt per
     * request (fabric8 would otherwise retry with backoff), bounded by the timeouts.
     */
    public static Kubernetes connect(String masterUrl, Duration connectTimeout, Duration requestTimeout) {
        boolean explicit = masterUrl != null && !masterUrl.isBlank();
        if (!explicit && !inCluster() && !hasKubeconfig()) {
            return new Kubernetes(null, null);
        }
        Config config = Config.autoConfigure(null);
        if (explicit) {
            config.setMasterUrl(masterUrl.trim());
        }
        config.setConnectionTimeout((int) connectTimeout.toMillis());
        config.setRequestTimeout((int) requestTimeout.toMillis());
        config.setRequestRetryBackoffLimit(0);
        return new Kubernetes(new KubernetesClientBuilder().withConfig(config).build(), config.getMasterUrl());
    }

    /** For tests and callers that built their own client. */
    public static Kubernetes of(KubernetesClient client) {
        return new Kubernetes(client, client == null ? null : client.getConfiguration().getMasterUrl());
    }

    public boolean isConfigured() {
        return client != null;
    }

    /** The API server's address, for the start-up log; null when not configured. */
    public String where() {
        return where;
    }

    /** The client; IllegalStateException ({@link #NOT_CONFIGURED}) when no cluster is configured. */
    public KubernetesClient client() {
        if (client == null) {
            throw new IllegalStateException(NOT_CONFIGURED);
        }
        return client;
    }

    /** The client or null, for optional uses (diagnosis). */
    public KubernetesClient clientOrNull() {
        return client;
    }

    private static boolean inCluster() {
        String host = System.getenv("KUBERNETES_SERVICE_HOST");
        return host != null && !host.isBlank();
    }

    private static boolean hasKubeconfig() {
        String env = System.getenv("KUBECONFIG");
        if (env != null && !env.isBlank()) {
            for (String f : env.split(java.io.File.pathSeparator)) {
                if (!f.isBlank() && Files.isRegularFile(Path.of(f))) {
                    return true;
                }
            }
            return false;
        }
        return Files.isRegularFile(Path.of(System.getProperty("user.home"), ".kube", "config"));
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
