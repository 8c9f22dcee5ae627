package dev.alerthub.ops;

import dev.alerthub.support.TestHub;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** In a cluster the hub elects its leader with a coordination.k8s.io Lease (fabric8's mock API server). */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesLeaseElectionTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @Test
    void theHubTakesTheLeaseAndSaysSoInItsMetrics() {
        client.pods().inNamespace("monitoring").resource(new PodBuilder().withNewMetadata().withName("alerthub-7d9f-abcde")
                .withNamespace("monitoring").addToLabels("app.kubernetes.io/name", "alerthub").endMetadata()
                // Camel counts only Ready pods as members: readiness must never wait for leadership
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build()).create();
        try (TestHub hub = TestHub.builder()
                .property("alerthub.cluster.service", "kubernetes")
                .property("alerthub.kubernetes.master-url", client.getMasterUrl().toString())
                .property("alerthub.cluster.kubernetes-namespace", "monitoring")
                .property("alerthub.cluster.member", "alerthub-7d9f-abcde")
                .start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> hub.get(hub.managementUrl("/observe/metrics")).body()
                    .contains("alerthub_cluster_leader 1.0"));
            Lease lease = client.leases().inNamespace("monitoring").list().getItems().get(0);
            assertThat(lease.getMetadata().getName()).isEqualTo("alerthub-alerthub"); // <lease-name>-<cluster namespace>
            assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("alerthub-7d9f-abcde");
        }
    }
}
