package dev.alerthub.support;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * fabric8's Kubernetes mock server in CRUD mode on 127.0.0.1, with the objects a Deployment
 * controller would have made: Deployments with revision annotations, and ReplicaSets owned by them
 * (controller reference, pod-template-hash label, revision/desired/max-replicas annotations). There
 * is no controller: {@link #rolloutCompleted} plays it when a test needs the rollout to finish.
 */
public final class KubeMock implements AutoCloseable {
    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private KubeMock() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    public static KubeMock start() {
        return new KubeMock();
    }

    public KubernetesClient client() {
        return client;
    }

    public KubernetesMockServer server() {
        return server;
    }

    /** For alerthub.kubernetes.master-url. */
    public String url() {
        return client.getConfiguration().getMasterUrl();
    }

    /** Forgets every object. */
    public void reset() {
        server.reset();
    }

    /** A pod template for app {@code name} running {@code image}. */
    public static PodTemplateSpec template(String name, String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec().build();
    }

    /** A Deployment at this revision, opted in to remediation or not, with 3 replicas, rollout complete. */
    public Deployment deployment(String ns, String name, String image, int revision, boolean optIn) {
        return deployment(ns, name, template(name, image), revision, optIn, Map.of());
    }

    public Deployment deployment(String ns, String name, PodTemplateSpec template, int revision, boolean optIn,
                                 Map<String, String> moreAnnotations) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("deployment.kubernetes.io/revision", String.valueOf(revision));
        annotations.putAll(moreAnnotations);
        DeploymentBuilder b = new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(ns)
                .addToLabels("app", name).withAnnotations(annotations).endMetadata()
                .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withTemplate(template).endSpec();
        if (optIn) {
            b.editMetadata().addToLabels("alerthub.io/remediate", "true").endMetadata();
        }
        Deployment created = client.apps().deployments().inNamespace(ns).resource(b.build()).create();
        return rolloutCompleted(ns, name);
    }

    /** A ReplicaSet the controller made for this Deployment's revision. */
    public ReplicaSet replicaSet(Deployment owner, int revision, String image, Map<String, String> moreAnnotations) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("deployment.kubernetes.io/revision", String.valueOf(revision));
        annotations.put("deployment.kubernetes.io/desired-replicas", "3");
        annotations.put("deployment.kubernetes.io/max-replicas", "4");
        annotations.putAll(moreAnnotations);
        return replicaSet(owner, owner.getMetadata().getName() + "-rev" + revision,
                template(owner.getMetadata().getName(), image), annotations, owner.getMetadata().getUid());
    }

    /** Any ReplicaSet: ownerUid null means no controller reference at all. */
    public ReplicaSet replicaSet(Deployment owner, String name, PodTemplateSpec template,
                                 Map<String, String> annotations, String ownerUid) {
        String hash = Integer.toHexString(name.hashCode());
        PodTemplateSpec t = new PodTemplateSpecBuilder(template).editMetadata().addToLabels("pod-template-hash", hash)
                .endMetadata().build();
        ReplicaSetBuilder b = new ReplicaSetBuilder().withNewMetadata().withName(name)
                .withNamespace(owner.getMetadata().getNamespace()).withLabels(t.getMetadata().getLabels())
                .withAnnotations(annotations).endMetadata()
                .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels(t.getMetadata().getLabels())
                .endSelector().withTemplate(t).endSpec();
        if (ownerUid != null) {
            b.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment")
                    .withName(owner.getMetadata().getName()).withUid(ownerUid).withController(true)
                    .withBlockOwnerDeletion(true).endOwnerReference().endMetadata();
        }
        return client.apps().replicaSets().inNamespace(owner.getMetadata().getNamespace()).resource(b.build()).create();
    }

    /** Plays the Deployment controller: the current generation is observed and every replica is available. */
    public Deployment rolloutCompleted(String ns, String name) {
        Deployment d = client.apps().deployments().inNamespace(ns).withName(name).get();
        int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(replicas).withUpdatedReplicas(replicas).withReadyReplicas(replicas)
                .withAvailableReplicas(replicas).build());
        return client.apps().deployments().inNamespace(ns).resource(d).updateStatus();
    }

    /** A pod of the Deployment that is not ready: crash-looping with this many restarts. */
    public void crashLoopingPod(String ns, String app, String podName, int restarts) {
        client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(podName).withNamespace(ns)
                .addToLabels("app", app).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("img").endContainer().endSpec()
                .withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus("False").endCondition()
                .withContainerStatuses(new ContainerStatusBuilder().withName("app").withReady(false)
                        .withRestartCount(restarts).withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                        .endWaiting().endState().withNewLastState().withNewTerminated().withReason("Error")
                        .withExitCode(1).endTerminated().endLastState().build())
                .endStatus().build()).create();
    }

    public Deployment get(String ns, String name) {
        return client.apps().deployments().inNamespace(ns).withName(name).get();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
