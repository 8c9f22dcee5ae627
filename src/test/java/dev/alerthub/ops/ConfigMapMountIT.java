package dev.alerthub.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.ConfigMapVolume;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.HubProcess;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar on config/, routes/ and the message templates mounted as deploy/ ships them: three
 * ConfigMap volumes (kustomization.yaml's alerthub-config, alerthub-routes and alerthub-templates), laid out as the kubelet does, with
 * hidden timestamped folders, {@code ..data} and one link per key.
 */
class ConfigMapMountIT {
    @TempDir
    Path work;

    @Test
    void theHubStartsValidatesAndReloadsFromConfigMapVolumes() throws Exception {
        ConfigMapVolume routes = ConfigMapVolume.fromKustomization(TestHub.PROJECT, "alerthub-routes", work.resolve("routes"));
        ConfigMapVolume config = ConfigMapVolume.fromKustomization(TestHub.PROJECT, "alerthub-config", work.resolve("config"));
        ConfigMapVolume templates = ConfigMapVolume.fromKustomization(TestHub.PROJECT, "alerthub-templates", work.resolve("templates"));
        // the operator's own Slack text, shipped in the templates ConfigMap
        templates.update("slack-text.slack.mustache", text -> "From the mounted template: {{STATUS}} {{alertname}}\n");

        // validate: every file once
        Process validate = new ProcessBuilder(java(), "-Dalerthub.routes-dir=" + routes.dir(),
                "-Dalerthub.config-dir=" + config.dir(), "-jar", HubProcess.jar().toString(), "validate")
                .directory(work.toFile()).redirectErrorStream(true).start();
        String report = new String(validate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(validate.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(validate.exitValue()).as(report).isZero();
        assertThat(report).contains("alerthub validate: " + routes.visibleFiles().size() + " route file(s) valid");

        try (HttpStub slack = SinkStubs.slack();
             HubProcess hub = HubProcess.builder().workDir(work)
                     .property("alerthub.routes-dir", routes.dir().toString())
                     .property("alerthub.config-dir", config.dir().toString())
                     .env("ALERTHUB_TEMPLATES_DIR", templates.dir().toString())
                     .env("ALERTHUB_SLACK_WEBHOOK_URL", slack.url("/services/T1/B1/SECRET"))
                     .start()) {
            hub.awaitReady(Duration.ofSeconds(180));

            // warning -> Slack, as the shipped router says
            assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-warning")).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> slack.accepted().size() == 1);
            assertThat(Json.read(slack.accepted().get(0).body(), JsonNode.class).path("text").asText())
                    .isEqualTo("From the mounted template: FIRING HighLatencyP95");

            // the ConfigMap changes: critical now goes to Slack too; the kubelet swaps ..data
            Path before = routes.dataFolder();
            routes.update("router.camel.yaml", text -> text.replace("- to: direct:pagerduty", "- to: direct:slack"));
            assertThat(routes.dataFolder()).isNotEqualTo(before);
            await().atMost(Duration.ofSeconds(60)).until(() -> hub.log().contains("Routes reloaded: 1 changed file(s)"));
            assertThat(hub.metric("alerthub_routes_reloads_total{outcome=\"applied\"}")).isEqualTo(1);

            assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-critical")).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> slack.accepted().size() == 2);
            assertThat(slack.violations()).isEmpty();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
