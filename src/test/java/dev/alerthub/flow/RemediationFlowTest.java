package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.KubeMock;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Journeys 3 and 4 through the real hub and its YAML routes: Alertmanager webhooks in, fabric8's
 * mock Kubernetes API (CRUD mode) acted on, the PagerDuty and Slack stand-ins out.
 */
class RemediationFlowTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static KubeMock kube;
    static HttpStub pagerDuty;
    static HttpStub slack;
    static TestHub hub;
    static MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
    static ObjectName remediationMBean;

    @BeforeAll
    static void start() throws Exception {
        kube = KubeMock.start();
        pagerDuty = SinkStubs.pagerDuty();
        slack = SinkStubs.slack();
        hub = TestHub.builder().pagerDuty(pagerDuty).slack(slack)
                .property("alerthub.kubernetes.master-url", kube.url())
                .property("alerthub.remediation.namespaces", "shop,payments")
                .property("alerthub.remediation.cooldown", "10m")
                .property("alerthub.remediation.max-per-hour", "3")
                .property("alerthub.remediation.max-replicas", "10")
                .property("alerthub.remediation.rollout-timeout", "1500ms")
                .property("alerthub.remediation.verify-window", "2500ms")
                .property("alerthub.remediation.verify-interval", "200ms")
                .property("alerthub.remediation.recovery-interval", "500ms")
                .property("alerthub.delivery.slack-per-second", "50")
                .start();
        remediationMBean = new ObjectName("dev.alerthub:type=Remediation");
    }

    @AfterAll
    static void stop() {
        hub.close();
        pagerDuty.close();
        slack.close();
        kube.close();
    }

    @BeforeEach
    void clean() {
        hub.reset();
        kube.reset();
        pagerDuty.clear();
        slack.clear();
        // the kill switch row went with the reset: resuming recreates it, not paused, no dry-run override
        assertThat(hub.post("/api/remediation/resume", new byte[0], null, null).statusCode()).isEqualTo(200);
    }

    // --- the journey

    @Test
    void criticalRollbackAlertRollsBackPagesWithDiagnosisPostsTheAuditAndVerifies() {
        checkout();
        kube.crashLoopingPod("shop", "checkout", "checkout-7d9f-abcde", 7);
        Instant startsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, String> labels = Map.of("alertname", "HighErrorRate", "severity", "critical", "namespace", "shop",
                "deployment", "checkout", "action", "rollback", "team", "payments");
        Map<String, String> annotations = Map.of("summary", "5xx above 5% on checkout", "value", "0.127");

        post(AlertmanagerWebhook.create().firing(labels, annotations, startsAt));

        // rolled back, as kubectl rollout undo would have
        await().atMost(WAIT).until(() -> image("checkout").equals("app:2"));
        Deployment after = kube.get("shop", "checkout");
        assertThat(after.getSpec().getTemplate().getMetadata().getLabels()).isEqualTo(Map.of("app", "checkout"));
        // paged, with the facts a responder looks for first
        await().atMost(WAIT).until(() -> pagerDuty.accepted().size() == 1);
        JsonNode page = json(pagerDuty.accepted().get(0).body());
        assertThat(page.at("/payload/class").asText()).isEqualTo("HighErrorRate");
        JsonNode diagnosis = page.at("/payload/custom_details/diagnosis");
        assertThat(diagnosis.path("rollouts").findValuesAsText("image")).contains("app:3", "app:2", "app:1");
        assertThat(diagnosis.path("rollouts").get(0).path("revision").asLong()).isEqualTo(3);
        assertThat(diagnosis.path("podsNotReady").get(0).path("waiting").asText()).isEqualTo("CrashLoopBackOff");
        assertThat(diagnosis.path("podsNotReady").get(0).path("restarts").asInt()).isEqualTo(7);
        assertThat(diagnosis.path("value").asText()).isEqualTo("0.127");
        assertThat(texts(diagnosis.path("summary"))).anyMatch(l -> l.startsWith("rev 3 app:3 rolled out"))
                .anyMatch(l -> l.contains("pod checkout-7d9f-abcde not ready: CrashLoopBackOff, 7 restarts"))
                .contains("Current value: 0.127");
        // audited, and told in Slack with from and to
        JsonNode action = awaitAction("HighErrorRate", "done");
        assertThat(action.path("action").asText()).isEqualTo("rollback");
        assertThat(action.path("namespace").asText()).isEqualTo("shop");
        assertThat(action.path("deployment").asText()).isEqualTo("checkout");
        assertThat(action.path("fromRevision").asText()).isEqualTo("3");
        assertThat(action.path("toRevision").asText()).isEqualTo("2");
        assertThat(action.path("from-revision").asText()).as("interface.md's name").isEqualTo("3");
        assertThat(action.path("to-revision").asText()).isEqualTo("2");
        assertThat(action.path("fingerprint").asText()).hasSize(16);
        assertThat(action.path("verification").asText()).isEqualTo("verifying");
        HttpStub.Request audit = awaitSlack("Remediation done");
        assertThat(json(audit.body()).path("text").asText())
                .isEqualTo("[remediation] rollback shop/checkout: done (from revision 3 app:3 to revision 2 app:2)"
                        + " for HighErrorRate");

        // the controller finishes the rollout and the alert resolves: verified, nobody paged again
        kube.rolloutCompleted("shop", "checkout");
        post(AlertmanagerWebhook.create().resolved(labels, annotations, startsAt, Instant.now()));
        await().atMost(WAIT).until(() -> awaitAction("HighErrorRate", "done").path("verification").asText()
                .equals("passed"));
        awaitSlack("Remediation helped");
        await().atMost(WAIT).until(() -> pagerDuty.accepted().size() == 2);
        assertThat(json(pagerDuty.accepted().get(1).body()).path("event_action").asText()).isEqualTo("resolve");
        assertThat(json(hub.get("/api/remediation/holds").body())).isEmpty();
        assertThat(pagerDuty.violations()).isEmpty();
        assertThat(slack.violations()).isEmpty();
        String metrics = hub.get(hub.managementUrl("/observe/metrics")).body();
        assertThat(metrics).contains("alerthub_actions_total{action=\"rollback\",outcome=\"done\",reason=\"\"}")
                .contains("alerthub_remediation_verifications_total{action=\"rollback\",result=\"passed\"}");
    }

    // --- guards

    @Test
    void labelValuesAndLimitsAreRefusedWithTheirReasonBeforeAnyKubernetesCall() {
        checkout();
        int requestsBefore = kube.server().getRequestCount();
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        post(AlertmanagerWebhook.create()
                .firing(labels("alertname", "A1", "namespace", "shop", "deployment", "checkout", "action", "reboot"), Map.of(), t)
                .firing(labels("alertname", "A2", "namespace", "Shop_1", "deployment", "checkout", "action", "restart"), Map.of(), t)
                .firing(labels("alertname", "A3", "namespace", "shop", "deployment", "../../nodes", "action", "restart"), Map.of(), t)
                .firing(labels("alertname", "A4", "namespace", "shop", "action", "restart"), Map.of(), t)
                .firing(labels("alertname", "A5", "namespace", "billing", "deployment", "api", "action", "restart"), Map.of(), t)
                .firing(labels("alertname", "A6", "namespace", "shop", "deployment", "checkout", "action", "scale",
                        "replicas", "500"), Map.of(), t)
                .firing(labels("alertname", "A7", "namespace", "shop", "deployment", "checkout", "action", "scale",
                        "replicas", "-1"), Map.of(), t)
                .firing(labels("alertname", "A8", "namespace", "shop", "deployment", "checkout", "action", "rollback",
                        "to_revision", "latest"), Map.of(), t));

        assertThat(awaitAction("A1", "skipped:unknown-action").path("detail").asText())
                .isEqualTo("action 'reboot' is not rollback, restart or scale");
        assertThat(awaitAction("A2", "skipped:invalid-namespace").path("detail").asText())
                .isEqualTo("label namespace 'Shop_1' is not a Kubernetes namespace name (DNS-1123 label)");
        assertThat(awaitAction("A3", "skipped:invalid-deployment").path("detail").asText())
                .isEqualTo("label deployment '../../nodes' is not a Kubernetes name (DNS-1123 subdomain)");
        assertThat(awaitAction("A4", "skipped:invalid-deployment").path("detail").asText())
                .isEqualTo("label deployment (missing) is not a Kubernetes name (DNS-1123 subdomain)");
        assertThat(awaitAction("A5", "skipped:namespace-not-allowed").path("detail").asText())
                .isEqualTo("namespace billing is not in alerthub.remediation.namespaces");
        assertThat(awaitAction("A6", "skipped:replicas-above-max").path("detail").asText())
                .isEqualTo("replicas 500 is above alerthub.remediation.max-replicas (10)");
        awaitAction("A7", "skipped:invalid-replicas");
        awaitAction("A8", "skipped:invalid-revision");
        assertThat(kube.server().getRequestCount()).as("no Kubernetes call for any of them").isEqualTo(requestsBefore);
        assertThat(actions().findValuesAsText("namespace")).doesNotContain("Shop_1");
        await().atMost(WAIT).until(() -> remediationMessages().size() == 8);
        assertThat(remediationMessages()).anyMatch(m -> m.equals("[remediation] reboot shop/checkout: skipped:unknown-action for A1"))
                .anyMatch(m -> m.equals("[remediation] restart (invalid target): skipped:invalid-namespace for A2"));
        String metrics = hub.get(hub.managementUrl("/observe/metrics")).body();
        assertThat(metrics).contains("alerthub_actions_total{action=\"scale\",outcome=\"skipped\",reason=\"replicas-above-max\"}");
    }

    @Test
    void aDeploymentMustBeOptedInAndExist() {
        deploymentWithHistory("shop", "cart", false);
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        post(AlertmanagerWebhook.create()
                .firing(labels("alertname", "NotOptedIn", "namespace", "shop", "deployment", "cart", "action", "rollback"), Map.of(), t)
                .firing(labels("alertname", "Ghost", "namespace", "shop", "deployment", "ghost", "action", "restart"), Map.of(), t));

        assertThat(awaitAction("NotOptedIn", "skipped:not-opted-in").path("detail").asText())
                .isEqualTo("deployment shop/cart is not labelled alerthub.io/remediate: \"true\"");
        assertThat(awaitAction("Ghost", "failed:deployment-not-found").path("detail").asText())
                .isEqualTo("deployment shop/ghost not found");
        assertThat(image("cart")).isEqualTo("app:3");
    }

    @Test
    void dryRunDecidesAndAuditsButChangesNothing() throws Exception {
        Deployment before = checkout();
        jmx("DryRun", true);
        assertThat(jmx("DryRun")).isEqualTo(true);
        assertThat(json(hub.get("/api/remediation").body()).path("dryRun").asBoolean()).isTrue();

        post(AlertmanagerWebhook.create().firing(labels("alertname", "HighErrorRate", "namespace", "shop",
                "deployment", "checkout", "action", "rollback"), Map.of(), Instant.now()));

        JsonNode action = awaitAction("HighErrorRate", "dry-run");
        assertThat(action.path("fromRevision").asText()).isEqualTo("3");
        assertThat(action.path("toRevision").asText()).as("what it would have done").isEqualTo("2");
        assertThat(action.path("verification").isNull()).isTrue();
        awaitSlack("Remediation dry-run");
        Deployment after = kube.get("shop", "checkout");
        assertThat(after.getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
        assertThat(image("checkout")).isEqualTo("app:3");
        jmx("DryRun", false);
        assertThat(json(hub.get("/api/remediation").body()).path("dryRun").asBoolean()).isFalse();
    }

    @Test
    void theKillSwitchWorksOverHttpAndJmx() throws Exception {
        checkout();
        HttpResponse<String> paused = hub.post("/api/remediation/pause", new byte[0], null, null);
        assertThat(paused.statusCode()).isEqualTo(200);
        assertThat(json(paused.body()).path("paused").asBoolean()).isTrue();
        assertThat(jmx("Paused")).isEqualTo(true);

        post(AlertmanagerWebhook.create().firing(labels("alertname", "WhilePaused", "namespace", "shop",
                "deployment", "checkout", "action", "rollback"), Map.of(), Instant.now()));
        assertThat(awaitAction("WhilePaused", "skipped:paused").path("detail").asText())
                .startsWith("remediation is paused");
        assertThat(image("checkout")).isEqualTo("app:3");
        assertThat(hub.get(hub.managementUrl("/observe/metrics")).body()).contains("alerthub_remediation_paused 1.0");

        jmx("Paused", false);
        assertThat(json(hub.get("/api/remediation").body()).path("paused").asBoolean()).isFalse();
        post(AlertmanagerWebhook.create().firing(labels("alertname", "AfterResume", "namespace", "shop",
                "deployment", "checkout", "action", "rollback"), Map.of(), Instant.now()));
        awaitAction("AfterResume", "done");
        assertThat(image("checkout")).isEqualTo("app:2");

        jmx("Paused", true);
        assertThat(json(hub.get("/api/remediation").body()).path("paused").asBoolean()).isTrue();
        hub.post("/api/remediation/resume", new byte[0], null, null);
        assertThat(jmx("Paused")).isEqualTo(false);
    }

    @Test
    void twoAlertsForOneDeploymentAtTheSameMomentProduceOneAction() {
        Deployment before = checkout();
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        post(AlertmanagerWebhook.create()
                .firing(labels("alertname", "HighErrorRate", "namespace", "shop", "deployment", "checkout", "action", "rollback"), Map.of(), t)
                .firing(labels("alertname", "HighLatency", "namespace", "shop", "deployment", "checkout", "action", "rollback"), Map.of(), t)
                .firing(labels("alertname", "CrashLoop", "namespace", "shop", "deployment", "checkout", "action", "restart"), Map.of(), t));

        await().atMost(WAIT).until(() -> actions().size() == 3
                && StreamSupport.stream(actions().spliterator(), false).noneMatch(a -> a.path("outcome").asText().equals("pending")
                || a.path("outcome").asText().equals("acting")));
        JsonNode all = actions();
        assertThat(count(all, "done")).as(all.toString()).isEqualTo(1);
        // the others are skipped: by the cooldown, or (a rollback planned after the first one landed)
        // because the Deployment is already at the revision it would roll back to
        assertThat(StreamSupport.stream(all.spliterator(), false).map(a -> a.path("outcome").asText())
                .filter(o -> !o.equals("done")))
                .as(all.toString()).hasSize(2).allMatch(o -> o.equals("skipped:cooldown") || o.equals("skipped:already-at-revision"));
        assertThat(kube.get("shop", "checkout").getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration() + 1);
    }

    @Test
    void restartAndScaleRunThroughTheHub() {
        Deployment api = kube.deployment("shop", "api", "api:7", 7, true);
        kube.deployment("shop", "web", "web:1", 1, true);
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        post(AlertmanagerWebhook.create()
                .firing(labels("alertname", "Stuck", "namespace", "shop", "deployment", "api", "action", "restart"), Map.of(), t)
                .firing(labels("alertname", "Saturated", "namespace", "shop", "deployment", "web", "action", "scale",
                        "replicas", "5"), Map.of(), t));

        JsonNode restart = awaitAction("Stuck", "done");
        assertThat(restart.path("fromRevision").asText()).isEqualTo("7");
        assertThat(restart.path("fromImage").asText()).isEqualTo("api:7");
        Deployment restarted = kube.get("shop", "api");
        assertThat(restarted.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsKey("kubectl.kubernetes.io/restartedAt");
        assertThat(Instant.parse(restarted.getSpec().getTemplate().getMetadata().getAnnotations()
                .get("kubectl.kubernetes.io/restartedAt"))).isAfterOrEqualTo(t);
        assertThat(restarted.getMetadata().getGeneration()).isEqualTo(api.getMetadata().getGeneration() + 1);
        JsonNode scale = awaitAction("Saturated", "done");
        assertThat(scale.path("fromReplicas").asInt()).isEqualTo(3);
        assertThat(scale.path("toReplicas").asInt()).isEqualTo(5);
        assertThat(kube.get("shop", "web").getSpec().getReplicas()).isEqualTo(5);
        assertThat(json(awaitSlack("Remediation done: scale shop/web").body()).path("text").asText())
                .contains("from revision 1 web:1, 3 replicas to revision 1 web:1, 5 replicas");
    }

    // --- verification

    @Test
    void anActionThatDidNotHelpPagesAndHoldsTheDeploymentUntilReleased() {
        checkout();
        deploymentWithHistory("shop", "cart", true);
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, String> cartAlert = labels("alertname", "CartErrors", "namespace", "shop", "deployment", "cart",
                "action", "rollback");
        post(AlertmanagerWebhook.create()
                .firing(labels("alertname", "CheckoutErrors", "namespace", "shop", "deployment", "checkout",
                        "action", "rollback", "team", "payments"), Map.of(), t)
                .firing(cartAlert, Map.of(), t));
        awaitAction("CheckoutErrors", "done");
        awaitAction("CartErrors", "done");
        // checkout's rollout never becomes available; cart's does, but its alert keeps firing
        kube.rolloutCompleted("shop", "cart");

        await().atMost(WAIT).until(() -> pagerDuty.accepted().size() == 2);
        Map<String, JsonNode> pages = new LinkedHashMap<>();
        pagerDuty.accepted().forEach(r -> pages.put(json(r.body()).at("/payload/custom_details/labels/deployment").asText(),
                json(r.body())));
        JsonNode checkoutPage = pages.get("checkout");
        assertThat(checkoutPage.at("/payload/class").asText()).isEqualTo("RemediationDidNotHelp");
        assertThat(checkoutPage.at("/payload/severity").asText()).isEqualTo("critical");
        assertThat(checkoutPage.at("/payload/summary").asText())
                .startsWith("[FIRING] RemediationDidNotHelp shop/checkout: Remediation did not help: rollback of shop/checkout for CheckoutErrors. the rollout was not available within 1s500ms");
        assertThat(checkoutPage.at("/payload/custom_details/labels/team").asText()).isEqualTo("payments");
        assertThat(checkoutPage.at("/payload/custom_details/source").asText()).isEqualTo("hub");
        assertThat(checkoutPage.at("/payload/custom_details/diagnosis/rollouts").isArray()).isTrue();
        assertThat(pages.get("cart").at("/payload/summary").asText())
                .contains("CartErrors was still firing 2s500ms after the rollback");

        JsonNode holds = json(hub.get("/api/remediation/holds").body());
        assertThat(holds.findValuesAsText("deployment")).containsExactlyInAnyOrder("checkout", "cart");
        assertThat(awaitAction("CheckoutErrors", "done").path("verification").asText()).isEqualTo("failed");
        awaitSlack("Remediation did not help: rollback shop/checkout");

        // the same Deployment alerting again: no second action, no loop
        post(AlertmanagerWebhook.create().firing(labels("alertname", "CheckoutErrorsAgain", "namespace", "shop",
                "deployment", "checkout", "action", "rollback"), Map.of(), Instant.now()));
        assertThat(awaitAction("CheckoutErrorsAgain", "skipped:held").path("detail").asText())
                .contains("DELETE /api/remediation/holds/{namespace}/{deployment}");

        assertThat(hub.delete("/api/remediation/holds/shop/checkout").statusCode()).isEqualTo(200);
        assertThat(json(hub.get("/api/remediation/holds").body()).findValuesAsText("deployment")).containsExactly("cart");
        HttpResponse<String> again = hub.delete("/api/remediation/holds/shop/checkout");
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(json(again.body()).path("message").asText()).isEqualTo("no hold on shop/checkout");
        assertThat(hub.delete("/api/remediation/holds/Shop/x_y").statusCode()).isEqualTo(400);
        assertThat(pagerDuty.violations()).isEmpty();
        assertThat(slack.violations()).isEmpty();
    }

    // --- helpers

    /** shop/checkout at revision 3 (app:3), with the ReplicaSets of revisions 1 to 3, opted in. */
    static Deployment checkout() {
        return deploymentWithHistory("shop", "checkout", true);
    }

    static Deployment deploymentWithHistory(String ns, String name, boolean optIn) {
        Deployment d = kube.deployment(ns, name, "app:3", 3, optIn);
        kube.replicaSet(d, 1, "app:1", Map.of());
        kube.replicaSet(d, 2, "app:2", Map.of());
        kube.replicaSet(d, 3, "app:3", Map.of());
        return d;
    }

    static String image(String name) {
        return kube.get("shop", name).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    static void post(AlertmanagerWebhook webhook) {
        HttpResponse<String> r = hub.postWebhook(webhook.bytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static Map<String, String> labels(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static JsonNode actions() {
        return json(hub.get("/api/actions").body());
    }

    /** The audit row of this alert, once it has this outcome. */
    static JsonNode awaitAction(String alertname, String outcome) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(WAIT).until(() -> {
            for (JsonNode a : actions()) {
                if (a.path("alertname").asText().equals(alertname) && a.path("outcome").asText().equals(outcome)) {
                    found[0] = a;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    static HttpStub.Request awaitSlack(String headerStart) {
        HttpStub.Request[] found = new HttpStub.Request[1];
        await().atMost(WAIT).until(() -> {
            for (HttpStub.Request r : slack.accepted()) {
                if (json(r.body()).path("blocks").get(0).at("/text/text").asText().contains(headerStart)) {
                    found[0] = r;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** The plain text of every remediation message Slack accepted. */
    static List<String> remediationMessages() {
        return slack.accepted().stream().map(r -> json(r.body()).path("text").asText())
                .filter(text -> text.startsWith("[remediation]")).toList();
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static JsonNode json(String s) {
        return Json.read(s, JsonNode.class);
    }

    static Object jmx(String attribute) throws Exception {
        return jmx.getAttribute(remediationMBean, attribute);
    }

    static void jmx(String attribute, Object value) throws Exception {
        jmx.setAttribute(remediationMBean, new Attribute(attribute, value));
    }

    static long count(JsonNode array, String outcome) {
        return StreamSupport.stream(array.spliterator(), false).filter(a -> a.path("outcome").asText().equals(outcome))
                .count();
    }
}
