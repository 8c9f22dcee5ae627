package dev.alerthub.kube;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RolloutsTest {
    static PodTemplateSpec template(String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec().build();
    }

    @Test
    void templatesAreEqualIgnoringThePodTemplateHashAndEmptyValues() {
        PodTemplateSpec withHash = new PodTemplateSpecBuilder(template("app:1")).editMetadata()
                .addToLabels("pod-template-hash", "5d8f7c").withAnnotations(Map.of()).endMetadata().build();
        assertThat(Rollouts.equalIgnoreHash(withHash, template("app:1"))).isTrue();
        assertThat(Rollouts.templateKey(withHash)).isEqualTo(Rollouts.templateKey(template("app:1")));
        assertThat(Rollouts.equalIgnoreHash(template("app:2"), template("app:1"))).isFalse();
        assertThat(Rollouts.templateKey(template("app:2"))).isNotEqualTo(Rollouts.templateKey(template("app:1")));
    }

    @Test
    void revisionsAsKubectlReadsThem() {
        assertThat(Rollouts.revision(rs("a", Map.of("deployment.kubernetes.io/revision", "7")))).isEqualTo(7L);
        assertThat(Rollouts.revision(rs("a", Map.of()))).as("missing is revision 0").isEqualTo(0L);
        assertThat(Rollouts.revision(rs("a", Map.of("deployment.kubernetes.io/revision", "x")))).isNull();
    }

    @Test
    void onlyReplicaSetsControlledByTheDeploymentAreItsHistory() {
        Deployment d = new DeploymentBuilder().withNewMetadata().withName("web").withUid("uid-web").endMetadata()
                .withNewSpec().withTemplate(template("app:2")).endSpec().build();
        ReplicaSet mine = owned(rs("web-b", Map.of()), "uid-web", true);
        ReplicaSet notController = owned(rs("web-c", Map.of()), "uid-web", false);
        ReplicaSet other = owned(rs("web-a", Map.of()), "uid-other", true);
        assertThat(Rollouts.owned(d, List.of(other, notController, mine))).containsExactly(mine);
    }

    @Test
    void rolloutStatusSaysWhatKubectlRolloutStatusSays() {
        assertThat(status(2, 1, 3, 3, 3, 3).message()).isEqualTo("waiting for deployment spec update to be observed");
        assertThat(status(2, 2, 3, 1, 3, 1).message()).isEqualTo("1 out of 3 new replicas have been updated");
        assertThat(status(2, 2, 3, 3, 4, 3).message()).isEqualTo("1 old replicas are pending termination");
        assertThat(status(2, 2, 3, 3, 3, 2).message()).isEqualTo("2 of 3 updated replicas are available");
        RolloutStatus done = status(2, 2, 3, 3, 3, 3);
        assertThat(done.state()).isEqualTo(RolloutStatus.State.AVAILABLE);
        assertThat(done.message()).isEqualTo("deployment \"web\" successfully rolled out");
        Deployment stuck = new DeploymentBuilder(deployment(2, 2, 3, 1, 3, 1)).editStatus()
                .withConditions(new DeploymentConditionBuilder().withType("Progressing").withStatus("False")
                        .withReason("ProgressDeadlineExceeded").build()).endStatus().build();
        assertThat(RolloutStatus.of(stuck).state()).isEqualTo(RolloutStatus.State.FAILED);
        assertThat(RolloutStatus.of(stuck).message()).isEqualTo("deployment \"web\" exceeded its progress deadline");
    }

    static RolloutStatus status(long generation, long observed, int desired, int updated, int replicas, int available) {
        return RolloutStatus.of(deployment(generation, observed, desired, updated, replicas, available));
    }

    static Deployment deployment(long generation, long observed, int desired, int updated, int replicas, int available) {
        return new DeploymentBuilder().withNewMetadata().withName("web").withGeneration(generation).endMetadata()
                .withNewSpec().withReplicas(desired).endSpec()
                .withStatus(new DeploymentStatusBuilder().withObservedGeneration(observed).withUpdatedReplicas(updated)
                        .withReplicas(replicas).withAvailableReplicas(available).build()).build();
    }

    static ReplicaSet rs(String name, Map<String, String> annotations) {
        return new ReplicaSetBuilder().withNewMetadata().withName(name).withAnnotations(annotations).endMetadata()
                .withNewSpec().withTemplate(template("app:1")).endSpec().build();
    }

    static ReplicaSet owned(ReplicaSet rs, String uid, boolean controller) {
        return new ReplicaSetBuilder(rs).editMetadata().addNewOwnerReference().withUid(uid).withController(controller)
                .withKind("Deployment").withName("web").endOwnerReference().endMetadata().build();
    }
}
