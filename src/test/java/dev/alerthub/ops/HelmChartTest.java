package dev.alerthub.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.alerthub.ops.validate.RouteValidator;
import dev.alerthub.support.Binaries;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code deploy/helm/alerthub} through the real Helm engine (helm-java embeds it): lint, then
 * {@code helm template} compared with what {@code kubectl kustomize .} renders from the base, so
 * the two ways to install cannot drift apart.
 */
class HelmChartTest {
    static final Path PROJECT = TestHub.PROJECT;
    static final Path CHART = PROJECT.resolve("deploy/helm/alerthub");

    /** Keys whose value is the name of a Secret, not its content. */
    static final Set<String> NAMES_A_SECRET = Set.of("existingSecret", "imagePullSecrets");

    static List<JsonNode> helm;
    static List<JsonNode> kustomize;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void render() throws Exception {
        helm = template(Map.of());
        Path kubectl = Binaries.require("kubectl", "apt-get install kubernetes-client");
        Binaries.Result r = Binaries.run(PROJECT, kubectl, "kustomize", ".");
        assertThat(r.exit()).as("kubectl kustomize . failed: %s", r.err()).isZero();
        kustomize = DeployManifestsTest.docs(r.out());
    }

    /** helm template alerthub deploy/helm/alerthub -n monitoring [-f values.yaml], parsed. */
    static List<JsonNode> template(Map<String, ?> values) throws Exception {
        return template(values, tmp);
    }

    /** The same, with the values file written to {@code dir}. */
    static List<JsonNode> template(Map<String, ?> values, Path dir) throws Exception {
        TemplateCommand t = new Helm(CHART).template().withName("alerthub").withNamespace("monitoring");
        if (!values.isEmpty()) {
            Path file = Files.createTempFile(dir, "values", ".yaml");
            DeployManifestsTest.YAML.writeValue(file.toFile(), values);
            t = t.withValuesFile(file);
        }
        return DeployManifestsTest.docs(t.call());
    }

    static JsonNode one(List<JsonNode> docs, String kind) {
        List<JsonNode> found = docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
        assertThat(found).as("exactly one %s", kind).hasSize(1);
        return found.get(0);
    }

    static JsonNode named(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind) && d.at("/metadata/name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    static JsonNode container(List<JsonNode> docs) {
        return one(docs, "Deployment").at("/spec/template/spec/containers/0");
    }

    static Map<String, String> env(List<JsonNode> docs) {
        Map<String, String> env = new TreeMap<>();
        container(docs).path("env").forEach(e -> env.put(e.path("name").asText(),
                e.has("value") ? e.path("value").asText() : "<from " + e.path("valueFrom").fieldNames().next() + ">"));
        return env;
    }

    @Test
    void helmLintPassesInStrictMode() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void theDeploymentIsTheKustomizeBasesInEveryOperationalField() {
        JsonNode h = one(helm, "Deployment");
        JsonNode k = one(kustomize, "Deployment");
        assertThat(h.at("/metadata/name").asText()).isEqualTo(k.at("/metadata/name").asText()).isEqualTo("alerthub");
        for (String field : List.of("/spec/replicas", "/spec/strategy", "/spec/revisionHistoryLimit",
                "/spec/template/spec/securityContext", "/spec/template/spec/terminationGracePeriodSeconds",
                "/spec/template/spec/serviceAccountName")) {
            assertThat(h.at(field)).as(field).isEqualTo(k.at(field));
        }
        JsonNode hc = container(helm);
        JsonNode kc = container(kustomize);
        for (String field : List.of("name", "args", "ports", "resources", "securityContext", "startupProbe",
                "livenessProbe", "readinessProbe", "volumeMounts")) {
            assertThat(hc.path(field)).as(field).isEqualTo(kc.path(field));
        }
        assertThat(hc.at("/livenessProbe/httpGet/port").asText()).isEqualTo("management");
        assertThat(hc.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/observe/health/ready");
        assertThat(hc.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(h.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(h.at("/spec/template/spec/volumes")).isEqualTo(withoutHashes(k.at("/spec/template/spec/volumes")));
        assertThat(h.at("/spec/template/metadata/annotations/prometheus.io~1port").asText()).isEqualTo("9876");
        assertThat(h.at("/spec/template/metadata/annotations").path("checksum/routes").asText()).hasSize(64);

        // every setting the base gives the hub, with the same value (the store and Prometheus defaults included)
        Map<String, String> kenv = env(kustomize);
        assertThat(env(helm)).containsAllEntriesOf(kenv)
                .containsEntry("ALERTHUB_CLUSTER_POD_LABELS", "app.kubernetes.io/name=alerthub,app.kubernetes.io/instance=alerthub");
        assertThat(hc.at("/image").asText()).isEqualTo(kc.at("/image").asText()).isEqualTo("alerthub:0.1.0");
    }

    /** The base's ConfigMap names carry kustomize's content hash (alerthub-routes-7c9...); the chart's do not. */
    static JsonNode withoutHashes(JsonNode volumes) {
        JsonNode copy = volumes.deepCopy();
        copy.forEach(v -> {
            if (v.has("configMap")) {
                String n = v.at("/configMap/name").asText();
                ((com.fasterxml.jackson.databind.node.ObjectNode) v.path("configMap")).put("name", n.substring(0, n.lastIndexOf('-')));
            }
        });
        return copy;
    }

    @Test
    void serviceBudgetAndSelectorsMatchTheBase() {
        JsonNode d = one(helm, "Deployment");
        JsonNode labels = d.at("/spec/template/metadata/labels");
        assertThat(labels.path("app.kubernetes.io/name").asText()).isEqualTo("alerthub");
        assertThat(d.at("/spec/selector/matchLabels")).isEqualTo(labels);
        assertThat(one(helm, "Service").at("/spec/selector")).isEqualTo(labels);
        assertThat(one(helm, "Service").at("/spec/ports")).isEqualTo(one(kustomize, "Service").at("/spec/ports"));
        assertThat(one(helm, "PodDisruptionBudget").at("/spec/selector/matchLabels")).isEqualTo(labels);
        assertThat(one(helm, "PodDisruptionBudget").at("/spec/minAvailable"))
                .isEqualTo(one(kustomize, "PodDisruptionBudget").at("/spec/minAvailable"));
        assertThat(d.at("/spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/0"
                + "/podAffinityTerm/labelSelector/matchLabels")).isEqualTo(labels);
    }

    static Set<String> rules(JsonNode role) {
        Set<String> rules = new TreeSet<>();
        for (JsonNode rule : role.path("rules")) {
            List<String> verbs = new ArrayList<>();
            rule.path("verbs").forEach(v -> verbs.add(v.asText()));
            verbs.sort(null);
            for (JsonNode group : rule.path("apiGroups")) {
                for (JsonNode resource : rule.path("resources")) {
                    rules.add(group.asText() + "/" + resource.asText() + " " + verbs);
                }
            }
        }
        return rules;
    }

    @Test
    void theRoleGrantsExactlyWhatTheKustomizeBaseGrants() {
        assertThat(rules(one(helm, "Role"))).isNotEmpty().isEqualTo(rules(one(kustomize, "Role")));
        assertThat(helm).noneMatch(d -> d.path("kind").asText().startsWith("Cluster"));
        JsonNode binding = one(helm, "RoleBinding");
        assertThat(binding.path("roleRef")).isEqualTo(one(kustomize, "RoleBinding").path("roleRef"));
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo("alerthub");
        assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo("monitoring");
        assertThat(one(helm, "ServiceAccount").at("/metadata/name").asText()).isEqualTo("alerthub");
    }

    @Test
    void eachRemediationNamespaceGetsTheRemediationRulesButNotTheLease() throws Exception {
        List<JsonNode> docs = template(Map.of("remediation", Map.of("namespaces", List.of("shop", "payments", "monitoring"))));
        assertThat(env(docs)).containsEntry("ALERTHUB_REMEDIATION_NAMESPACES", "shop,payments,monitoring");
        List<JsonNode> roles = docs.stream().filter(d -> d.path("kind").asText().equals("Role")).toList();
        assertThat(roles).extracting(r -> r.at("/metadata/namespace").asText("(release)"))
                .containsExactlyInAnyOrder("(release)", "shop", "payments");
        Set<String> remediation = new TreeSet<>(rules(one(kustomize, "Role")));
        remediation.removeIf(r -> r.startsWith("coordination.k8s.io/"));
        for (JsonNode role : roles.subList(1, roles.size())) {
            assertThat(rules(role)).isEqualTo(remediation);
        }
        JsonNode shop = docs.stream().filter(d -> d.path("kind").asText().equals("RoleBinding")
                && d.at("/metadata/namespace").asText().equals("shop")).findFirst().orElseThrow();
        assertThat(shop.at("/subjects/0/name").asText()).isEqualTo("alerthub");
        assertThat(shop.at("/subjects/0/namespace").asText()).isEqualTo("monitoring");
    }

    @Test
    void theConfigMapsShipTheProjectsConfigEveryRouteFileAndTheTemplates() throws Exception {
        JsonNode config = named(helm, "ConfigMap", "alerthub-config");
        assertThat(config.at("/data/application.properties").asText())
                .isEqualTo(Files.readString(PROJECT.resolve("config/application.properties")));
        // the lifecycle files beside it (time intervals, inhibition rules)
        assertThat(config.at("/data/time-intervals.yaml").asText())
                .isEqualTo(Files.readString(PROJECT.resolve("config/time-intervals.yaml")));
        assertThat(config.at("/data/inhibit-rules.yaml").asText())
                .isEqualTo(Files.readString(PROJECT.resolve("config/inhibit-rules.yaml")));
        JsonNode templates = named(helm, "ConfigMap", "alerthub-templates");
        assertThat(templates.path("data")).isEqualTo(kustomize.stream().filter(d -> d.at("/metadata/name").asText()
                .startsWith("alerthub-templates-")).findFirst().orElseThrow().path("data"));
        assertThat(templates.at("/data/slack-text.slack.mustache").asText())
                .isEqualTo(Files.readString(PROJECT.resolve("config/templates/slack-text.slack.mustache")));
        JsonNode routes = named(helm, "ConfigMap", "alerthub-routes");
        List<Path> files = RouteValidator.routeFiles(PROJECT.resolve("routes"));
        assertThat(files).hasSizeGreaterThan(20);
        for (Path f : files) {
            assertThat(routes.at("/data/" + f.getFileName()).asText()).as(PROJECT.relativize(f).toString())
                    .isEqualTo(Files.readString(f));
        }
        assertThat(routes.path("data").size()).isEqualTo(files.size());
        // the same files as the Kustomize base's ConfigMap
        assertThat(routes.path("data")).isEqualTo(kustomize.stream().filter(d -> d.at("/metadata/name").asText()
                .startsWith("alerthub-routes-")).findFirst().orElseThrow().path("data"));
    }

    @Test
    void thePackagedChartCarriesTheRouteFilesThemselvesNotTheLinks() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("package"));
        new Helm(CHART).packageIt().withDestination(out).call();
        Path tgz = out.resolve("alerthub-0.1.0.tgz");
        assertThat(tgz).isRegularFile();
        List<JsonNode> fromPackage = DeployManifestsTest.docs(Helm.template(tgz.toString())
                .withName("alerthub").withNamespace("monitoring").call());
        assertThat(named(fromPackage, "ConfigMap", "alerthub-routes").path("data"))
                .isEqualTo(named(helm, "ConfigMap", "alerthub-routes").path("data"));
        assertThat(named(fromPackage, "ConfigMap", "alerthub-config").path("data"))
                .isEqualTo(named(helm, "ConfigMap", "alerthub-config").path("data"));
    }

    @Test
    void valuesLeaveOutShippedRoutesAddYourOwnAndAppendSettings() throws Exception {
        String mine = "- route:\n    id: team-payments\n    from:\n      uri: direct:team-payments\n      steps:\n        - log: hi\n";
        List<JsonNode> docs = template(Map.of(
                "routes", Map.of("exclude", List.of("slow-queries.camel.yaml"), "files", Map.of("team-payments.camel.yaml", mine)),
                "config", Map.of("properties", Map.of("alerthub.probes.error-rate.enabled", true))));
        JsonNode data = named(docs, "ConfigMap", "alerthub-routes").path("data");
        assertThat(data.has("slow-queries.camel.yaml")).isFalse();
        assertThat(data.path("team-payments.camel.yaml").asText()).isEqualTo(mine);
        assertThat(data.size()).isEqualTo(RouteValidator.routeFiles(PROJECT.resolve("routes")).size());
        assertThat(named(docs, "ConfigMap", "alerthub-config").at("/data/application.properties").asText())
                .startsWith(Files.readString(PROJECT.resolve("config/application.properties")))
                .endsWith("\nalerthub.probes.error-rate.enabled=true\n");
        // a changed route file rolls the pods
        assertThat(one(docs, "Deployment").at("/spec/template/metadata/annotations").path("checksum/routes"))
                .isNotEqualTo(one(helm, "Deployment").at("/spec/template/metadata/annotations").path("checksum/routes"));

        assertThatThrownBy(() -> template(Map.of("routes", Map.of("exclude", List.of("no-such.camel.yaml")))))
                .hasMessageContaining("routes.exclude: no-such.camel.yaml is not a shipped route file");
    }

    @Test
    void secretsComeOnlyFromTheExistingSecretAndNoValueIsInTheChart() throws Exception {
        assertThat(container(helm).at("/envFrom/0/secretRef/name").asText()).isEqualTo("alerthub-secrets")
                .isEqualTo(container(kustomize).at("/envFrom/0/secretRef/name").asText().replaceAll("-[a-z0-9]{10}$", ""));
        List<JsonNode> own = template(Map.of("existingSecret", "hub-credentials"));
        assertThat(container(own).at("/envFrom/0/secretRef/name").asText()).isEqualTo("hub-credentials");
        assertThat(helm).noneMatch(d -> d.path("kind").asText().equals("Secret"));

        Set<String> secretKeys = new TreeSet<>();
        named(kustomize, "Secret", one(kustomize, "Secret").at("/metadata/name").asText()).path("data")
                .fieldNames().forEachRemaining(secretKeys::add);
        assertThat(secretKeys).isNotEmpty();
        assertThat(env(helm).keySet()).doesNotContainAnyElementsOf(secretKeys);
        // values.yaml and every rendered string: no key that names a secret carries a value
        List<String> lines = new ArrayList<>(Files.readAllLines(CHART.resolve("values.yaml")));
        helm.forEach(d -> strings(d, lines));
        for (String line : lines) {
            Matcher m = DeployManifestsTest.SECRETISH.matcher(line);
            boolean comment = line.stripLeading().startsWith("#");
            assertThat(!comment && m.matches() && !m.group(3).isBlank() && !NAMES_A_SECRET.contains(m.group(1)))
                    .as("looks like a secret with a value: %s", line).isFalse();
        }
    }

    static void strings(JsonNode n, List<String> out) {
        if (n.isTextual()) {
            out.addAll(n.asText().lines().toList());
        }
        n.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual() && !e.getValue().asText().contains("\n")) {
                out.add(e.getKey() + ": " + e.getValue().asText());
            }
        });
        n.forEach(c -> strings(c, out));
    }

    @Test
    void theNetworkPolicyAdmitsAlertmanagerOnTheBusinessPortAndPrometheusOnTheManagementPort() throws Exception {
        JsonNode np = one(helm, "NetworkPolicy");
        assertThat(np.at("/spec/podSelector/matchLabels")).isEqualTo(one(helm, "Deployment").at("/spec/template/metadata/labels"));
        assertThat(np.at("/spec/policyTypes").toString()).isEqualTo("[\"Ingress\"]");
        assertThat(DeployManifestsTest.admitted(np)).containsExactly(
                "8080 <- namespace kubernetes.io/metadata.name=monitoring",
                "9876 <- namespace kubernetes.io/metadata.name=monitoring");
        assertThat(DeployManifestsTest.admitted(np)).isEqualTo(DeployManifestsTest.admitted(one(kustomize, "NetworkPolicy")));

        List<JsonNode> custom = template(Map.of("networkPolicy", Map.of(
                "webhookFrom", List.of(ns("alerting"), ns("ci")),
                "managementFrom", List.of(ns("prometheus")))));
        assertThat(DeployManifestsTest.admitted(one(custom, "NetworkPolicy"))).containsExactly(
                "8080 <- namespace kubernetes.io/metadata.name=alerting",
                "8080 <- namespace kubernetes.io/metadata.name=ci",
                "9876 <- namespace kubernetes.io/metadata.name=prometheus");
        assertThat(template(Map.of("networkPolicy", Map.of("enabled", false))))
                .noneMatch(d -> d.path("kind").asText().equals("NetworkPolicy"));
    }

    static Map<String, ?> ns(String name) {
        return Map.of("namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", name)));
    }

    @Test
    void theInstallCommandInTheDocsRenders() throws Exception {
        String guide = Files.readString(PROJECT.resolve("docs/helm.md"));
        Matcher install = Pattern.compile("helm install alerthub deploy/helm/alerthub -n monitoring((?: \\\\\n\\s*--set \\S+(?: --set \\S+)*)+)\n")
                .matcher(guide);
        assertThat(install.find()).as("docs/helm.md has the helm install example").isTrue();
        TemplateCommand t = new Helm(CHART).template().withName("alerthub").withNamespace("monitoring");
        Matcher set = Pattern.compile("--set '?([^=\\s]+)=([^'\\s]+)'?").matcher(install.group(1));
        int n = 0;
        while (set.find()) {
            t = t.set(set.group(1), set.group(2));
            n++;
        }
        assertThat(n).isEqualTo(8);
        List<JsonNode> docs = DeployManifestsTest.docs(t.call());
        assertThat(container(docs).at("/image").asText()).isEqualTo("registry.example.com/alerthub:0.1.0");
        assertThat(env(docs)).containsEntry("ALERTHUB_STORE_URL", "jdbc:postgresql://postgres.db.svc:5432/alerthub")
                .containsEntry("ALERTHUB_EMAIL_TO", "oncall@example.com")
                .containsEntry("ALERTHUB_REMEDIATION_NAMESPACES", "shop,payments");
        assertThat(docs.stream().filter(d -> d.path("kind").asText().equals("RoleBinding"))
                .map(d -> d.at("/metadata/namespace").asText("monitoring")).toList())
                .containsExactlyInAnyOrder("monitoring", "shop", "payments");
    }

    @Test
    void aSecondReleaseInTheNamespaceHasItsOwnNamesPodsAndLease() throws Exception {
        List<JsonNode> docs = DeployManifestsTest.docs(new Helm(CHART).template().withName("staging")
                .withNamespace("monitoring").call());
        assertThat(one(docs, "Deployment").at("/metadata/name").asText()).isEqualTo("staging-alerthub");
        JsonNode labels = one(docs, "Deployment").at("/spec/template/metadata/labels");
        assertThat(labels.path("app.kubernetes.io/instance").asText()).isEqualTo("staging");
        assertThat(one(docs, "Service").at("/spec/selector")).isEqualTo(labels);
        assertThat(one(docs, "NetworkPolicy").at("/spec/podSelector/matchLabels")).isEqualTo(labels);
        assertThat(env(docs)).containsEntry("ALERTHUB_CLUSTER_LEASE_NAME", "staging")
                .containsEntry("ALERTHUB_CLUSTER_POD_LABELS", "app.kubernetes.io/name=alerthub,app.kubernetes.io/instance=staging");
        Map<String, String> volumes = new TreeMap<>();
        one(docs, "Deployment").at("/spec/template/spec/volumes").forEach(v ->
                volumes.put(v.path("name").asText(), v.at("/configMap/name").asText()));
        assertThat(volumes).containsEntry("config", "staging-alerthub-config").containsEntry("routes", "staging-alerthub-routes");
        assertThat(one(docs, "RoleBinding").at("/subjects/0/name").asText()).isEqualTo("staging-alerthub");
        assertThat(one(docs, "Deployment").at("/spec/template/spec/serviceAccountName").asText()).isEqualTo("staging-alerthub");
    }

    @Test
    void valuesSetReplicasImageStoreAndSinks() throws Exception {
        List<JsonNode> docs = template(Map.of("replicaCount", 3,
                "image", Map.of("repository", "registry.example.com/alerthub", "tag", "0.1.1"),
                "store", Map.of("url", "jdbc:postgresql://pg.db.svc:5432/hub", "username", "hub"),
                "sinks", Map.of("pagerduty", Map.of("url", "https://pd.example.com/v2/enqueue"),
                        "email", Map.of("smtpHost", "smtp.example.com", "smtpPort", 587, "to", "oncall@example.com"))));
        assertThat(one(docs, "Deployment").at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(container(docs).at("/image").asText()).isEqualTo("registry.example.com/alerthub:0.1.1");
        assertThat(env(docs)).containsEntry("ALERTHUB_STORE_URL", "jdbc:postgresql://pg.db.svc:5432/hub")
                .containsEntry("ALERTHUB_STORE_USERNAME", "hub")
                .containsEntry("ALERTHUB_PAGERDUTY_URL", "https://pd.example.com/v2/enqueue")
                .containsEntry("ALERTHUB_EMAIL_SMTP_HOST", "smtp.example.com")
                .containsEntry("ALERTHUB_EMAIL_SMTP_PORT", "587")
                .containsEntry("ALERTHUB_EMAIL_TO", "oncall@example.com")
                .doesNotContainKey("ALERTHUB_EMAIL_FROM");
    }
}
