package dev.alerthub.remediate;

import dev.alerthub.kube.Kubernetes;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.support.KubeMock;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl rollout undo against fabric8's mock API server (CRUD mode). Each expected Deployment is
 * worked out by hand from kubectl's rollback.go: the chosen ReplicaSet's template without its
 * pod-template-hash label; the Deployment's own last-applied/revision/revision-history/desired/max
 * annotations kept, every other annotation replaced by the ReplicaSet's.
 */
class RolloutUndoTest {
    static KubeMock kube;
    static RolloutUndo undo;

    @BeforeAll
    static void start() {
        kube = KubeMock.start();
        undo = new RolloutUndo(Kubernetes.of(kube.client()));
    }

    @AfterAll
    static void stop() {
        kube.close();
    }

    @BeforeEach
    void clean() {
        kube.reset();
    }

    /** A Deployment at revision 3 (app:3) with ReplicaSets for revisions 1, 2 and 3, as the controller leaves them. */
    private Deployment threeRevisions(boolean paused) {
        Deployment d = kube.deployment("shop", "web", KubeMock.template("web", "app:3"), 3, true, Map.of(
                "kubectl.kubernetes.io/last-applied-configuration", "{\"kind\":\"Deployment\"}",
                "kubernetes.io/change-cause", "deploy app:3",
                "example.com/only-on-deployment", "x"));
        kube.replicaSet(d, 1, "app:1", Map.of("kubernetes.io/change-cause", "deploy app:1"));
        kube.replicaSet(d, 2, "app:2", Map.of("kubernetes.io/change-cause", "deploy app:2", "example.com/note", "v2"));
        kube.replicaSet(d, 3, "app:3", Map.of("kubernetes.io/change-cause", "deploy app:3"));
        if (paused) {
            d = kube.client().apps().deployments().inNamespace("shop").withName("web")
                    .edit(x -> { x.getSpec().setPaused(true); return x; });
        }
        return kube.get("shop", "web");
    }

    private RemediationCase run(Long toRevision) {
        Alert alert = Alert.of(AlertStatus.FIRING, Map.of("alertname", "HighErrorRate"), Map.of(),
                Instant.parse("2026-01-01T00:00:00Z"), null, null, "test");
        RemediationCase planned = undo.plan(RemediationCase.of(1, alert)
                .checked(Action.ROLLBACK, "shop", "web", null, toRevision).withTarget(kube.get("shop", "web")));
        return planned.isOpen() ? undo.apply(planned.close(Outcome.ACTING, null)) : planned;
    }

    private static void assertTemplate(Deployment d, String image) {
        PodTemplateSpec t = d.getSpec().getTemplate();
        assertThat(t.getMetadata().getLabels()).as("pod-template-hash removed").isEqualTo(Map.of("app", "web"));
        assertThat(t.getSpec().getContainers()).hasSize(1);
        assertThat(t.getSpec().getContainers().get(0).getName()).isEqualTo("app");
        assertThat(t.getSpec().getContainers().get(0).getImage()).isEqualTo(image);
    }

    @Test
    void undoRestoresThePreviousRevisionsTemplateAndAnnotationsAsKubectlDoes() {
        threeRevisions(false);
        long generation = kube.get("shop", "web").getMetadata().getGeneration();

        RemediationCase c = run(null);

        assertThat(c.outcome()).isEqualTo(Outcome.DONE);
        assertThat(c.change().fromRevision()).isEqualTo("3");
        assertThat(c.change().fromImage()).isEqualTo("app:3");
        assertThat(c.change().toRevision()).isEqualTo("2");
        assertThat(c.change().toImage()).isEqualTo("app:2");
        Deployment after = kube.get("shop", "web");
        assertTemplate(after, "app:2");
        assertThat(after.getMetadata().getAnnotations()).isEqualTo(Map.of(
                // kept from the Deployment
                "deployment.kubernetes.io/revision", "3",
                "kubectl.kubernetes.io/last-applied-configuration", "{\"kind\":\"Deployment\"}",
                // copied from the ReplicaSet (its desired/max-replicas are not)
                "kubernetes.io/change-cause", "deploy app:2",
                "example.com/note", "v2"));
        assertThat(after.getMetadata().getLabels()).containsEntry("alerthub.io/remediate", "true");
        assertThat(after.getMetadata().getGeneration()).isEqualTo(generation + 1);
        assertThat(JsonPatchShape.ops(c.change().patch())).containsExactly("replace /spec/template",
                "replace /metadata/annotations");
    }

    @Test
    void explicitRevisionRestoresThatRevision() {
        threeRevisions(false);

        RemediationCase c = run(1L);

        assertThat(c.outcome()).isEqualTo(Outcome.DONE);
        assertThat(c.change().toRevision()).isEqualTo("1");
        Deployment after = kube.get("shop", "web");
        assertTemplate(after, "app:1");
        assertThat(after.getMetadata().getAnnotations()).isEqualTo(Map.of(
                "deployment.kubernetes.io/revision", "3",
                "kubectl.kubernetes.io/last-applied-configuration", "{\"kind\":\"Deployment\"}",
                "kubernetes.io/change-cause", "deploy app:1"));
    }

    @Test
    void aRevisionNotInHistoryFails() {
        threeRevisions(false);

        RemediationCase c = run(9L);

        assertThat(c.outcome()).isEqualTo("failed:revision-not-found");
        assertThat(c.detail()).isEqualTo("unable to find specified revision 9 in history");
        assertTemplate(kube.get("shop", "web"), "app:3");
    }

    @Test
    void onlyOneReplicaSetMeansNoRolloutHistory() {
        Deployment d = kube.deployment("shop", "web", "app:1", 1, true);
        kube.replicaSet(d, 1, "app:1", Map.of());

        RemediationCase c = run(null);

        assertThat(c.outcome()).isEqualTo("failed:no-rollout-history");
        assertThat(c.detail()).isEqualTo("no rollout history found for deployment \"web\"");
        assertThat(kube.get("shop", "web").getMetadata().getGeneration()).isEqualTo(d.getMetadata().getGeneration());
    }

    @Test
    void aPausedDeploymentIsNotRolledBack() {
        Deployment before = threeRevisions(true);

        RemediationCase c = run(null);

        assertThat(c.outcome()).isEqualTo("failed:deployment-paused");
        assertThat(c.detail()).contains("you cannot rollback a paused deployment")
                .contains("kubectl rollout resume deployment/web");
        assertThat(kube.get("shop", "web").getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
        assertTemplate(kube.get("shop", "web"), "app:3");
    }

    @Test
    void aTemplateThatAlreadyMatchesIsSkipped() {
        Deployment before = threeRevisions(false);

        RemediationCase c = run(3L);

        assertThat(c.outcome()).isEqualTo("skipped:already-at-revision");
        assertThat(c.detail()).isEqualTo("skipped rollback (current template already matches revision 3)");
        assertThat(kube.get("shop", "web").getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
    }

    @Test
    void replicaSetsWithMatchingLabelsButAnotherOwnerAreIgnored() {
        Deployment d = threeRevisions(false);
        // same labels, a higher revision, but controlled by another Deployment / by nothing
        kube.replicaSet(d, "web-foreign", KubeMock.template("web", "evil:9"),
                Map.of("deployment.kubernetes.io/revision", "9"), "00000000-0000-0000-0000-00000000dead");
        kube.replicaSet(d, "web-orphan", KubeMock.template("web", "evil:8"),
                Map.of("deployment.kubernetes.io/revision", "8"), null);

        RemediationCase c = run(null);

        assertThat(c.outcome()).isEqualTo(Outcome.DONE);
        assertThat(c.change().toRevision()).isEqualTo("2");
        assertTemplate(kube.get("shop", "web"), "app:2");
    }

    @Test
    void replicaSetsWithoutRevisionAnnotationCountAsRevisionZeroAndUnreadableOnesAreIgnored() {
        Deployment d = kube.deployment("shop", "web", "app:1", 1, true);
        kube.replicaSet(d, "web-norev", KubeMock.template("web", "app:0"), Map.of(), d.getMetadata().getUid());
        kube.replicaSet(d, "web-badrev", KubeMock.template("web", "app:bad"),
                Map.of("deployment.kubernetes.io/revision", "not-a-number"), d.getMetadata().getUid());
        kube.replicaSet(d, 1, "app:1", Map.of());

        RemediationCase c = run(null);

        // kubectl: latest = revision 1 (current), previous = the unannotated one (revision 0)
        assertThat(c.outcome()).isEqualTo(Outcome.DONE);
        assertThat(c.change().toRevision()).isEqualTo("0");
        Deployment after = kube.get("shop", "web");
        assertTemplate(after, "app:0");
        assertThat(after.getMetadata().getAnnotations()).isEqualTo(Map.of("deployment.kubernetes.io/revision", "1"));
    }
}
