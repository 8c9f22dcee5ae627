package dev.alerthub.kube;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KubernetesNamesTest {
    @Test
    void namespacesAreDns1123Labels() {
        assertThat(KubernetesNames.isNamespace("shop")).isTrue();
        assertThat(KubernetesNames.isNamespace("team-a-1")).isTrue();
        assertThat(KubernetesNames.isNamespace("a".repeat(63))).isTrue();
        assertThat(KubernetesNames.isNamespace("a".repeat(64))).isFalse();
        for (String bad : new String[] {null, "", "Shop", "shop_1", "-shop", "shop-", "shop.prod", "../etc", "shop ",
                "shop\n", "shop?x=1", "ünicode"}) {
            assertThat(KubernetesNames.isNamespace(bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    @Test
    void deploymentNamesAreDns1123Subdomains() {
        assertThat(KubernetesNames.isDeploymentName("checkout")).isTrue();
        assertThat(KubernetesNames.isDeploymentName("checkout.v2")).isTrue();
        assertThat(KubernetesNames.isDeploymentName("a".repeat(253))).isTrue();
        assertThat(KubernetesNames.isDeploymentName("a".repeat(254))).isFalse();
        for (String bad : new String[] {null, "", "Checkout", "check_out", "../../nodes", "a..b", ".a", "a.", "a/b",
                "a%2Fb"}) {
            assertThat(KubernetesNames.isDeploymentName(bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    @Test
    void quotedValuesAreCutAndStrippedOfControlCharacters() {
        assertThat(KubernetesNames.quote("a\nb")).isEqualTo("'a?b'");
        assertThat(KubernetesNames.quote("x".repeat(100))).hasSize(83);
        assertThat(KubernetesNames.quote(null)).isEqualTo("(missing)");
    }
}
