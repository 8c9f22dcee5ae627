package dev.alerthub.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
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

/**
 * What {@code kubectl apply -k .} would send to a cluster, rendered by kubectl itself and checked
 * for what operators and security reviews look for; plus the monitoring files through promtool
 * and the Alertmanager example through amtool.
 */
class DeployManifestsTest {
    static final Path PROJECT = TestHub.PROJECT;
    static final ObjectMapper YAML = new YAMLMapper();
    static final Pattern SECRETISH = Pattern.compile("(?i)^\\s*([\\w.-]*(token|password|routing-key|webhook-url|secret)[\\w.-]*)\\s*[=:]\\s*(\\S.*)$");

    static List<JsonNode> rendered;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void render() throws Exception {
        Path kubectl = Binaries.require("kubectl", "apt-get install kubernetes-client");
        Binaries.Result r = Binaries.run(PROJECT, kubectl, "kustomize", ".");
        assertThat(r.exit()).as("kubectl kustomize . failed: %s", r.err()).isZero();
        rendered = docs(r.out());
    }

    static List<JsonNode> docs(String yaml) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yaml)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isEmpty()) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    static JsonNode one(String kind) {
        List<JsonNode> found = rendered.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
        assertThat(found).as("exactly one %s", kind).hasSize(1);
        return found.get(0);
    }

    static JsonNode named(String kind, String namePrefix) {
        return rendered.stream().filter(d -> d.path("kind").asText().equals(kind)
                && d.at("/metadata/name").asText().startsWith(namePrefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + namePrefix + "*"));
    }

    static JsonNode container() {
        return one("Deployment").at("/spec/template/spec/containers/0");
    }

    @Test
    void twoReplicasRollOneAtATimeAndAreSpreadAndProtectedByABudget() {
        JsonNode d = one("Deployment");
        assertThat(d.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(d.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
        assertThat(d.at("/spec/template/spec/affinity/podAntiAffinity").isMissingNode()).isFalse();
        JsonNode pdb = one("PodDisruptionBudget");
        assertThat(pdb.at("/spec/minAvailable").asInt()).isEqualTo(1);
        assertThat(pdb.at("/spec/selector/matchLabels")).isEqualTo(d.at("/spec/template/metadata/labels"));
        JsonNode svc = one("Service");
        assertThat(svc.at("/spec/selector")).isEqualTo(d.at("/spec/template/metadata/labels"));
        assertThat(svc.at("/spec/ports").findValuesAsText("name")).containsExactlyInAnyOrder("http", "management");
    }

    @Test
    void probesUseTheHealthEndpointsOnTheManagementPort() {
        JsonNode c = container();
        Map<String, Integer> ports = new TreeMap<>();
        c.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).containsEntry("http", 8080).containsEntry("management", 9876);
        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/observe/health/live");
        assertThat(c.at("/livenessProbe/httpGet/port").asText()).isEqualTo("management");
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/observe/health/ready");
        assertThat(c.at("/readinessProbe/httpGet/port").asText()).isEqualTo("management");
        assertThat(c.at("/startupProbe/httpGet/path").asText()).isEqualTo("/observe/health/live");
        for (String r : List.of("requests", "limits")) {
            assertThat(c.at("/resources/" + r + "/cpu").asText()).as(r + " cpu").isNotEmpty();
            assertThat(c.at("/resources/" + r + "/memory").asText()).as(r + " memory").isNotEmpty();
        }
    }

    @Test
    void thePodRunsAsNonRootOnAReadOnlyRootFilesystemWithOnlyTmpWritable() {
        JsonNode pod = one("Deployment").at("/spec/template/spec");
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isGreaterThan(0);
        assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        JsonNode sc = container().path("securityContext");
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(sc.at("/capabilities/drop").findValuesAsText("")).isEmpty();
        assertThat(sc.at("/capabilities/drop/0").asText()).isEqualTo("ALL");

        Set<String> emptyDirs = new TreeSet<>();
        pod.path("volumes").forEach(v -> {
            if (v.has("emptyDir")) {
                emptyDirs.add(v.path("name").asText());
            }
        });
        assertThat(emptyDirs).containsExactly("tmp");
        Map<String, String> writable = new TreeMap<>();
        container().path("volumeMounts").forEach(m -> {
            if (!m.path("readOnly").asBoolean(false)) {
                writable.put(m.path("name").asText(), m.path("mountPath").asText());
            }
        });
        assertThat(writable).containsExactly(Map.entry("tmp", "/tmp"));
    }

    @Test
    void theRoleGrantsExactlyWhatRemediationDiagnosisAndLeaderElectionUse() {
        Set<String> rules = new TreeSet<>();
        for (JsonNode rule : named("Role", "alerthub").path("rules")) {
            for (JsonNode group : rule.path("apiGroups")) {
                for (JsonNode resource : rule.path("resources")) {
                    List<String> verbs = new ArrayList<>();
                    rule.path("verbs").forEach(v -> verbs.add(v.asText()));
                    verbs.sort(null);
                    rules.add(group.asText() + "/" + resource.asText() + " " + verbs);
                }
            }
        }
        assertThat(rules).containsExactlyInAnyOrder(
                "apps/deployments [get, patch]",
                "apps/deployments/scale [get, update]",
                "apps/replicasets [list]",
                "/pods [list]",
                "coordination.k8s.io/leases [create, get, update]");
        assertThat(rendered).noneMatch(d -> d.path("kind").asText().startsWith("Cluster"));
        JsonNode binding = named("RoleBinding", "alerthub");
        assertThat(binding.at("/roleRef/kind").asText()).isEqualTo("Role");
        assertThat(binding.at("/roleRef/name").asText()).isEqualTo("alerthub");
        assertThat(binding.at("/subjects/0/kind").asText()).isEqualTo("ServiceAccount");
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo("alerthub");
        assertThat(one("Deployment").at("/spec/template/spec/serviceAccountName").asText()).isEqualTo("alerthub");
        assertThat(named("ServiceAccount", "alerthub")).isNotNull();
    }

    @Test
    void configAndEveryRouteFileShipAsConfigMapsMountedWhereTheHubLooks() throws Exception {
        JsonNode config = named("ConfigMap", "alerthub-config-");
        assertThat(config.at("/data/application.properties").asText())
                .isEqualTo(Files.readString(PROJECT.resolve("config/application.properties")));
        JsonNode routes = named("ConfigMap", "alerthub-routes-");
        List<Path> files = RouteValidator.routeFiles(PROJECT.resolve("routes"));
        for (Path f : files) {
            assertThat(routes.at("/data/" + f.getFileName()).asText())
                    .as("%s is in kustomization.yaml's alerthub-routes (new route files must be listed there)",
                            PROJECT.relativize(f))
                    .isEqualTo(Files.readString(f));
        }
        assertThat(routes.path("data").size()).isEqualTo(files.size());
        JsonNode templates = named("ConfigMap", "alerthub-templates-");
        try (var shipped = Files.list(PROJECT.resolve("config/templates"))) {
            List<Path> mustache = shipped.filter(f -> f.toString().endsWith(".mustache")).toList();
            assertThat(mustache).isNotEmpty();
            for (Path f : mustache) {
                assertThat(templates.at("/data/" + f.getFileName()).asText())
                        .as("%s is in kustomization.yaml's alerthub-templates", PROJECT.relativize(f))
                        .isEqualTo(Files.readString(f));
            }
        }

        Map<String, String> volumes = new TreeMap<>();
        one("Deployment").at("/spec/template/spec/volumes").forEach(v -> {
            if (v.has("configMap")) {
                volumes.put(v.path("name").asText(), v.at("/configMap/name").asText());
            }
        });
        assertThat(volumes).containsEntry("config", config.at("/metadata/name").asText())
                .containsEntry("routes", routes.at("/metadata/name").asText())
                .containsEntry("templates", templates.at("/metadata/name").asText());
        Map<String, String> env = env();
        assertThat(env).containsEntry("ALERTHUB_CONFIG_DIR", "/app/config").containsEntry("ALERTHUB_ROUTES_DIR", "/app/routes")
                .containsEntry("ALERTHUB_ROUTES_RELOAD", "false").containsEntry("ALERTHUB_CLUSTER_SERVICE", "kubernetes")
                .containsEntry("ALERTHUB_TEMPLATES_DIR", "/app/templates");
        assertThat(env.get("ALERTHUB_STORE_URL")).startsWith("jdbc:postgresql:");
        assertThat(container().at("/env").findValuesAsText("fieldPath")).contains("metadata.name", "metadata.namespace");
    }

    @Test
    void secretsComeFromASecretAndNeverFromAConfigMap() {
        JsonNode secret = named("Secret", "alerthub-secrets");
        Set<String> keys = new TreeSet<>();
        secret.path("data").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).contains("ALERTHUB_WEBHOOK_TOKEN", "ALERTHUB_PAGERDUTY_ROUTING_KEY", "ALERTHUB_SLACK_WEBHOOK_URL",
                "ALERTHUB_SLACK_BOT_TOKEN", "ALERTHUB_SLACK_SIGNING_SECRET",
                "ALERTHUB_EMAIL_PASSWORD", "ALERTHUB_STORE_PASSWORD");
        // the base ships placeholders only
        secret.path("data").forEach(v -> assertThat(v.asText()).isEmpty());
        assertThat(container().at("/envFrom/0/secretRef/name").asText()).isEqualTo(secret.at("/metadata/name").asText());
        for (String k : keys) {
            assertThat(env()).doesNotContainKey(k);
        }
        for (JsonNode cm : rendered.stream().filter(d -> d.path("kind").asText().equals("ConfigMap")).toList()) {
            cm.path("data").fields().forEachRemaining(e -> e.getValue().asText().lines().forEach(line -> {
                Matcher m = SECRETISH.matcher(line);
                boolean comment = line.stripLeading().startsWith("#");
                assertThat(!comment && m.matches() && !m.group(3).isBlank() && !m.group(3).startsWith("\"{{"))
                        .as("%s in ConfigMap %s looks like a secret with a value: %s", e.getKey(),
                                cm.at("/metadata/name").asText(), line)
                        .isFalse();
            }));
        }
    }

    static Map<String, String> env() {
        Map<String, String> env = new TreeMap<>();
        container().path("env").forEach(e -> {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            }
        });
        return env;
    }

    /** "PORT <- namespace k=v" per port and peer of a NetworkPolicy's ingress rules, in order. */
    static List<String> admitted(JsonNode policy) {
        List<String> out = new ArrayList<>();
        for (JsonNode rule : policy.at("/spec/ingress")) {
            for (JsonNode port : rule.path("ports")) {
                for (JsonNode peer : rule.path("from")) {
                    List<String> parts = new ArrayList<>();
                    peer.fields().forEachRemaining(p -> {
                        StringBuilder sel = new StringBuilder(p.getKey().replace("Selector", ""));
                        p.getValue().path("matchLabels").fields().forEachRemaining(l ->
                                sel.append(' ').append(l.getKey()).append('=').append(l.getValue().asText()));
                        p.getValue().path("cidr").asText("").lines().forEach(c -> sel.append(' ').append(c));
                        parts.add(sel.toString());
                    });
                    out.add(port.path("port").asText() + " <- " + String.join(" & ", parts));
                }
            }
        }
        return out;
    }

    @Test
    void theNetworkPolicyAdmitsOnlyAlertmanagerToWebhooksAndPrometheusToMetrics() {
        JsonNode np = one("NetworkPolicy");
        assertThat(np.at("/spec/podSelector/matchLabels")).isEqualTo(one("Deployment").at("/spec/template/metadata/labels"));
        assertThat(np.at("/spec/policyTypes").toString()).isEqualTo("[\"Ingress\"]");
        assertThat(admitted(np)).containsExactly(
                "8080 <- namespace kubernetes.io/metadata.name=monitoring",
                "9876 <- namespace kubernetes.io/metadata.name=monitoring");
        Map<String, Integer> ports = new TreeMap<>();
        container().path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).containsEntry("http", 8080).containsEntry("management", 9876);
    }

    @Test
    void theDocumentedOverlayPointsTheNetworkPolicyAtOtherNamespaces() throws Exception {
        // the overlay exactly as docs/operations.md shows it, its ../alerthub pointing at this project
        String guide = Files.readString(PROJECT.resolve("docs/operations.md"));
        Matcher kustomization = Pattern.compile("```yaml\\n(bases:\\n  - \\.\\./alerthub\\npatchesJson6902:\\n.*?)```",
                Pattern.DOTALL).matcher(guide);
        Matcher patch = Pattern.compile("```yaml\\n(# networkpolicy-from\\.yaml.*?)```", Pattern.DOTALL).matcher(guide);
        assertThat(kustomization.find() && patch.find()).as("docs/operations.md has the NetworkPolicy overlay").isTrue();
        Path overlay = Files.createDirectories(tmp.resolve("alerthub-netpol"));
        String project = overlay.relativize(PROJECT).toString();
        Files.writeString(overlay.resolve("kustomization.yaml"), kustomization.group(1).replace("../alerthub", project));
        Files.writeString(overlay.resolve("networkpolicy-from.yaml"), patch.group(1));
        Path kubectl = Binaries.require("kubectl", "apt-get install kubernetes-client");
        Binaries.Result r = Binaries.run(overlay, kubectl, "kustomize", ".");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode np = docs(r.out()).stream().filter(d -> d.path("kind").asText().equals("NetworkPolicy")).findFirst().orElseThrow();
        assertThat(admitted(np)).containsExactly(
                "8080 <- namespace kubernetes.io/metadata.name=alerting",
                "8080 <- namespace kubernetes.io/metadata.name=ci",
                "9876 <- namespace kubernetes.io/metadata.name=prometheus");
    }

    @Test
    void theHubsOwnAlertsAreValidRulesThatFire() throws Exception {
        Path kubectl = Binaries.require("kubectl", "apt-get install kubernetes-client");
        Path promtool = Binaries.require("promtool", "apt-get install prometheus");
        Binaries.Result r = Binaries.run(PROJECT, kubectl, "kustomize", "deploy/monitoring");
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> monitoring = docs(r.out());
        JsonNode rule = monitoring.stream().filter(d -> d.path("kind").asText().equals("PrometheusRule")).findFirst().orElseThrow();
        Path rules = tmp.resolve("alerthub-rules.yml");
        YAML.writeValue(rules.toFile(), rule.path("spec"));
        Binaries.Result check = Binaries.run(tmp, promtool, "check", "rules", rules.toString());
        assertThat(check.exit()).as(check.out() + check.err()).isZero();

        // when each alert fires (promtool compares annotations exactly; those were checked above)
        JsonNode bare = rule.path("spec").deepCopy();
        bare.path("groups").forEach(g -> g.path("rules").forEach(x -> ((com.fasterxml.jackson.databind.node.ObjectNode) x)
                .remove("annotations")));
        YAML.writeValue(tmp.resolve("alerthub-rules-bare.yml").toFile(), bare);
        Files.writeString(tmp.resolve("alerthub-rules-test.yml"), """
                rule_files: [alerthub-rules-bare.yml]
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'alerthub_outbox_oldest_age_seconds{pod="alerthub-a"}'
                        values: '0 0 60+60x20'
                      - series: 'alerthub_outbox_oldest_age_seconds{pod="alerthub-b"}'
                        values: '0 0 60+60x20'
                      - series: 'alerthub_dead_letters{pod="alerthub-a"}'
                        values: '0 0 1x10'
                      - series: 'alerthub_cluster_leader{pod="alerthub-a"}'
                        values: '1x20'
                      - series: 'alerthub_cluster_leader{pod="alerthub-b"}'
                        values: '0x20'
                    alert_rule_test:
                      - eval_time: 5m
                        alertname: AlerthubOutboxGrowing
                        exp_alerts: []
                      - eval_time: 15m
                        alertname: AlerthubOutboxGrowing
                        exp_alerts:
                          - exp_labels: {severity: critical, component: alerthub}
                      - eval_time: 5m
                        alertname: AlerthubDeadLetters
                        exp_alerts:
                          - exp_labels: {severity: warning, component: alerthub}
                      - eval_time: 15m
                        alertname: AlerthubLeaderMissing
                        exp_alerts: []
                """);
        Binaries.Result test = Binaries.run(tmp, promtool, "test", "rules", "alerthub-rules-test.yml");
        assertThat(test.exit()).as(test.out() + test.err()).isZero();
    }

    @Test
    void theDashboardAndRulesUseTheHubsMetricNames() throws Exception {
        String dashboard = Files.readString(PROJECT.resolve("deploy/monitoring/grafana-dashboard.json"));
        new ObjectMapper().readTree(dashboard);
        String rules = Files.readString(PROJECT.resolve("deploy/monitoring/prometheusrule.yaml"));
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("alerthub_[a-z_]+").matcher(dashboard + rules);
        while (m.find()) {
            used.add(m.group().replaceAll("_(bucket|count|sum|total)$", ""));
        }
        // exported by this hub (HealthAndMetricsTest shows each on /observe/metrics) ...
        Set<String> hub = Set.of("alerthub_alerts_received", "alerthub_notifications", "alerthub_outbox_depth",
                "alerthub_outbox_oldest_age_seconds", "alerthub_deliveries_pending", "alerthub_dead_letters",
                "alerthub_webhook_request_seconds", "alerthub_cluster_leader", "alerthub_routes_reloads");
        // ... and by the probe and remediation capabilities (names to reconcile when they land)
        Set<String> capabilities = Set.of("alerthub_probe_evaluation_duration_seconds",
                "alerthub_probe_evaluation_lag_seconds", "alerthub_actions");
        assertThat(used).allMatch(n -> hub.contains(n) || capabilities.contains(n));
        assertThat(used).containsAll(hub);
    }

    @Test
    void theAlertmanagerExampleIsAValidConfig() {
        Path amtool = Binaries.require("amtool", "apt-get install prometheus-alertmanager");
        Binaries.Result r = Binaries.run(PROJECT, amtool, "check-config", "deploy/alertmanager/alertmanager.yml");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("SUCCESS");
    }
}
