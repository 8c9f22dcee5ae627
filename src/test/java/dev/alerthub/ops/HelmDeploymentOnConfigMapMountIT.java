package dev.alerthub.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.HubProcess;
import dev.alerthub.support.PostgresSchema;
import dev.alerthub.support.SinkStubs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar started the way the chart's Deployment starts it in a pod: its ConfigMaps laid
 * out as the kubelet mounts them, its environment (the existing Secret's keys included), its
 * mount paths — only the paths are rooted in a temp folder and the sinks are local stubs.
 */
class HelmDeploymentOnConfigMapMountIT {
    static final String TOKEN = "helm-it-webhook-token";
    static final String ROUTING_KEY = "R0UT1NGKEY0000000000000000000000";

    @TempDir
    Path pod;

    @Test
    void theRenderedDeploymentStartsOnTheKubeletsConfigMapLayoutAndPagesACriticalAlert() throws Exception {
        try (HttpStub pagerDuty = SinkStubs.pagerDuty(); PostgresSchema store = new PostgresSchema()) {
            List<JsonNode> docs = HelmChartTest.template(Map.of(
                    "store", Map.of("url", store.url(), "username", PostgresSchema.user()),
                    "sinks", Map.of("pagerduty", Map.of("url", pagerDuty.url("/v2/enqueue")))), pod);
            JsonNode podSpec = HelmChartTest.one(docs, "Deployment").at("/spec/template/spec");
            JsonNode container = podSpec.at("/containers/0");

            Map<String, Path> mounts = mountVolumes(docs, podSpec, container);
            // the existing Secret's keys, as envFrom gives them to the container
            Map<String, String> secret = Map.of("ALERTHUB_WEBHOOK_TOKEN", TOKEN,
                    "ALERTHUB_PAGERDUTY_ROUTING_KEY", ROUTING_KEY, "ALERTHUB_STORE_PASSWORD", "");
            assertThat(container.at("/envFrom/0/secretRef/name").asText()).isEqualTo("alerthub-secrets");

            HubProcess.Builder b = HubProcess.builder().name("helm-pod").workDir(Files.createDirectories(pod.resolve("app")));
            Map<String, String> env = containerEnv(container, mounts);
            env.putAll(secret);
            // no API server here: the election uses the file lock instead of the Lease
            env.put("ALERTHUB_CLUSTER_SERVICE", "file");
            env.put("ALERTHUB_CLUSTER_LOCK_DIR", pod.resolve("tmp/cluster").toString());
            env.forEach(b::env);
            // HubProcess points -D options at the project's folders; the pod's come from its env
            b.property("alerthub.config-dir", env.get("ALERTHUB_CONFIG_DIR"))
                    .property("alerthub.routes-dir", env.get("ALERTHUB_ROUTES_DIR"));
            assertThat(env.get("ALERTHUB_ROUTES_DIR")).isEqualTo(mounts.get("/app/routes").toString());

            try (HubProcess hub = b.start()) {
                long t0 = System.nanoTime();
                // generous: the suite runs on 2 shared cores (JarIT measures the start-up itself)
                hub.awaitReady(Duration.ofSeconds(180));
                System.out.printf("hub on the ConfigMap layout ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(hub.url("/webhooks/alertmanager")))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.webhook("webhook-firing-critical"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).until(() -> pagerDuty.accepted().size() == 1);
                assertThat(pagerDuty.violations()).isEmpty();
                JsonNode event = DeployManifestsTest.YAML.readTree(pagerDuty.accepted().get(0).body());
                assertThat(event.path("routing_key").asText()).isEqualTo(ROUTING_KEY);
                assertThat(event.path("event_action").asText()).isEqualTo("trigger");
                assertThat(hub.log()).doesNotContain("..data").doesNotContain(TOKEN).doesNotContain(ROUTING_KEY);
            }
        }
    }

    /** Every volume of the pod under {@link #pod}: ConfigMaps as the kubelet lays them out, emptyDirs empty. */
    Map<String, Path> mountVolumes(List<JsonNode> docs, JsonNode podSpec, JsonNode container) throws Exception {
        Map<String, String> mountPaths = new LinkedHashMap<>();
        container.path("volumeMounts").forEach(m -> mountPaths.put(m.path("name").asText(), m.path("mountPath").asText()));
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (JsonNode v : podSpec.path("volumes")) {
            String mountPath = mountPaths.get(v.path("name").asText());
            Path dir = pod.resolve(mountPath.substring(1));
            if (v.has("configMap")) {
                Map<String, String> data = new LinkedHashMap<>();
                HelmChartTest.named(docs, "ConfigMap", v.at("/configMap/name").asText()).path("data")
                        .fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
                kubeletConfigMapLayout(dir, data);
            } else {
                Files.createDirectories(dir);
            }
            mounts.put(mountPath, dir);
        }
        assertThat(mounts).containsKeys("/app/config", "/app/routes", "/tmp");
        return mounts;
    }

    /**
     * The kubelet's atomic writer: the files in {@code ..<timestamp>/}, {@code ..data} a link to
     * it, and each key a link {@code key -> ..data/key}. (The files branch adds
     * support.ConfigMapVolume for this; once it is on main, ConfigMapVolume.mount(dir, data) replaces
     * this method.)
     */
    static void kubeletConfigMapLayout(Path dir, Map<String, String> data) throws Exception {
        String stamp = ".." + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss.SSSSSSSSS"));
        Path hidden = Files.createDirectories(dir.resolve(stamp));
        for (Map.Entry<String, String> e : data.entrySet()) {
            Files.writeString(hidden.resolve(e.getKey()), e.getValue());
        }
        Files.createSymbolicLink(dir.resolve("..data"), Path.of(stamp));
        for (String key : data.keySet()) {
            Files.createSymbolicLink(dir.resolve(key), Path.of("..data", key));
        }
    }

    /** The container's env values with each mount path moved under {@link #pod}; fieldRefs as in a pod. */
    static Map<String, String> containerEnv(JsonNode container, Map<String, Path> mounts) {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> fields = Map.of("metadata.name", "alerthub-7d9f8-abcde", "metadata.namespace", "monitoring");
        // one pass over all mount paths, so a moved path (itself under /tmp) is not moved again
        Pattern mountPath = Pattern.compile("(?<![\\w/])(" + String.join("|", mounts.keySet().stream().map(Pattern::quote)
                .toList()) + ")(?=/|\\s|$)");
        for (JsonNode e : container.path("env")) {
            String value = e.has("value") ? e.path("value").asText() : fields.get(e.at("/valueFrom/fieldRef/fieldPath").asText());
            assertThat(value).as("env %s", e.path("name").asText()).isNotNull();
            env.put(e.path("name").asText(), mountPath.matcher(value)
                    .replaceAll(m -> Matcher.quoteReplacement(mounts.get(m.group(1)).toString())));
        }
        return env;
    }
}
