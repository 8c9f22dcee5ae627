package dev.alerthub.remediate;

import dev.alerthub.kube.Kubernetes;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.support.KubeMock;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** kubectl rollout restart and kubectl scale against fabric8's mock API server (CRUD mode). */
class RestartAndScaleTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:15:30.789Z"), ZoneId.of("Europe/Paris"));
    static KubeMock kube;
    static Kubernetes kubernetes;

    @BeforeAll
    static void start() {
        kube = KubeMock.start();
        kubernetes = Kubernetes.of(kube.client());
    }

    @AfterAll
    static void stop() {
        kube.close();
    }

    @BeforeEach
    void clean() {
        kube.reset();
    }

    private static RemediationCase open(Action action, Integer replicas) {
        Alert alert = Alert.of(AlertStatus.FIRING, Map.of("alertname", "PodCrashLooping"), Map.of(),
                Instant.parse("2026-01-01T00:00:00Z"), null, null, "test");
        return RemediationCase.of(1, alert).checked(action, "shop", "web", replicas, null)
                .withTarget(kube.get("shop", "web"));
    }

    @Test
    void restartSetsTheRestartedAtAnnotationOnThePodTemplateAsKubectlDoes() throws Exception {
        Deployment before = kube.deployment("shop", "web", KubeMock.template("web", "app:3"), 3, true, Map.of());
        kube.client().apps().deployments().inNamespace("shop").withName("web").edit(d -> {
            d.getSpec().getTemplate().getMetadata().getAnnotations().put("prometheus.io/scrape", "true");
            return d;
        });
        RolloutRestart restart = new RolloutRestart(kubernetes, CLOCK);

        RemediationCase planned = restart.plan(open(Action.RESTART, null));
        assertThat(planned.change().patch()).isEqualTo("{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
                + "{\"kubectl.kubernetes.io/restartedAt\":\"2026-11-23T10:15:30Z\"}}}}}");
        RemediationCase c = restart.apply(planned.close(Outcome.ACTING, null));

        assertThat(c.outcome()).as(c.detail()).isEqualTo(Outcome.DONE);
        RecordedRequest request = kube.server().getLastRequest();
        assertThat(request.getMethod()).isEqualTo("PATCH");
        assertThat(request.getHeader("Content-Type")).startsWith("application/merge-patch+json");
        Deployment after = kube.get("shop", "web");
        assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations()).isEqualTo(Map.of(
                "kubectl.kubernetes.io/restartedAt", "2026-11-23T10:15:30Z", "prometheus.io/scrape", "true"));
        assertThat(after.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("app:3");
        assertThat(after.getMetadata().getGeneration()).isGreaterThan(before.getMetadata().getGeneration());
    }

    @Test
    void restartRefusesAPausedDeployment() {
        kube.deployment("shop", "web", "app:3", 3, true);
        kube.client().apps().deployments().inNamespace("shop").withName("web")
                .edit(d -> { d.getSpec().setPaused(true); return d; });
        long generation = kube.get("shop", "web").getMetadata().getGeneration();

        RemediationCase c = new RolloutRestart(kubernetes, CLOCK).plan(open(Action.RESTART, null));

        assertThat(c.outcome()).isEqualTo("failed:deployment-paused");
        assertThat(c.detail()).isEqualTo("can't restart paused deployment (run rollout resume first)");
        assertThat(kube.get("shop", "web").getMetadata().getGeneration()).isEqualTo(generation);
    }

    @Test
    void scaleGoesThroughTheScaleSubresource() throws Exception {
        kube.deployment("shop", "web", "app:3", 3, true);
        ScaleDeployment scale = new ScaleDeployment(kubernetes);

        RemediationCase planned = scale.plan(open(Action.SCALE, 6));
        RemediationCase c = scale.apply(planned.close(Outcome.ACTING, null));

        assertThat(c.outcome()).isEqualTo(Outcome.DONE);
        assertThat(c.change().fromReplicas()).isEqualTo(3);
        assertThat(c.change().toReplicas()).isEqualTo(6);
        RecordedRequest request = kube.server().getLastRequest();
        assertThat(request.getMethod()).isEqualTo("PUT");
        assertThat(request.getPath()).isEqualTo("/apis/apps/v1/namespaces/shop/deployments/web/scale");
        assertThat(kube.get("shop", "web").getSpec().getReplicas()).isEqualTo(6);
    }

    @Test
    void kubernetesNotConfiguredIsAClearFailure() {
        Alert alert = Alert.of(AlertStatus.FIRING, Map.of("alertname", "X"), Map.of(), Instant.EPOCH, null, null, "test");
        RemediationCase c = new Remediation(null, null, null, Settings.of("shop"), Kubernetes.of(null), null).target(RemediationCase.of(1, alert).checked(Action.RESTART, "shop", "web", null, null));
        assertThat(c.outcome()).isEqualTo("failed:kubernetes-not-configured");
    }
}
