package dev.alerthub.flow;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.KubeMock;
import dev.alerthub.support.LogCapture;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import io.fabric8.mockwebserver.http.RecordedRequest;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A generated hostile corpus through the real routes of ONE hub: malformed, truncated, deeply nested,
 * wrong-typed, oversized and unicode-laden webhooks (RTL marks, NULs, lone surrogates), label values
 * full of quotes, braces, paths, newlines, shell, PromQL and SQL fragments, and the same thrown at
 * the silence and read APIs. Each answer is a 4xx with a JSON message or a 200, never a 5xx; after
 * the run, nothing rejected was notified, Kubernetes saw only requests for the allowed namespace and
 * valid names, nothing reached Prometheus, no secret was logged, and the hub still takes a webhook.
 */
class HostileCorpusTest {
    static final int TRIES = 1000;
    static final String API_TOKEN = "corpus-api-token-5d1e";
    static final String SLACK_SECRET = "corpusSlackPath77";
    static final String ROUTING_KEY = "test-routing-key-0123456789abcdef";
    /** Escapes every non-ASCII character, lone surrogates included, so they reach the hub as JSON escapes. */
    static final ObjectMapper ESCAPING = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    static final Pattern ALLOWED_KUBE = Pattern.compile(
            "/apis?/[a-z0-9./]*/namespaces/shop/[a-z]+(/[a-z0-9]([-a-z0-9]*[a-z0-9])?)?(/[a-z]+)?(\\?.*)?");
    static final List<String> FRAGMENTS = List.of("\"", "{", "}", "/", "..", "../../etc/passwd", "\n", "\r\n",
            "$(rm -rf /)", "`id`", "${jndi:ldap://127.0.0.1/x}", "{{alerthub.slack.webhook-url}}", "${sys:user.home}",
            "${env:ALERTHUB_API_TOKEN}", "up{job=\"x\"} or vector(1)", "sum(rate(x[5m])) > 0 #", "'; DROP TABLE alerts;--",
            "\" OR 1=1 --", "1' OR '1'='1", "<!channel>", "<@U024BE7LH>", "<script>alert(1)</script>", "javascript:alert(1)",
            "\u202Eevil\u202C", "\u200F\u200E", "\u0000", "a\u0000b", "\uD800", "\uDC00x", "\uFEFF", "😀", "%00", "\\",
            "\\u0000", "*", "\t", "=~", "!=", ".*", "(", "[", "}}{{", "null", "true", "-1", "1e309", "NaN");

    static TestHub hub;
    static HttpStub pagerDuty;
    static HttpStub slack;
    static HttpStub prometheus;
    static KubeMock kube;
    static LogCapture log;
    static final Set<String> rejected = ConcurrentHashMap.newKeySet();
    static final AtomicInteger sent = new AtomicInteger();
    static final AtomicInteger accepted = new AtomicInteger();
    static final AtomicInteger serial = new AtomicInteger();

    /** One request of the corpus; {@code token} is in the alert's labels wherever the request kept them. */
    record Hostile(String kind, String method, String path, String contentType, byte[] body, String token) {
        @Override
        public String toString() {
            String text = new String(body, StandardCharsets.UTF_8);
            return kind + " " + method + " " + path + " [" + contentType + "] " + body.length + " bytes: "
                    + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
        }
    }

    @BeforeContainer
    static void start() {
        pagerDuty = SinkStubs.pagerDuty();
        slack = SinkStubs.slack();
        prometheus = new HttpStub(HttpStub.Response.of(200, Fixtures.text("prometheus/query-empty.json")), null);
        kube = KubeMock.start();
        log = new LogCapture();
        hub = TestHub.builder().pagerDuty(pagerDuty)
                .property("alerthub.slack.webhook-url", slack.url("/services/T0/B0/" + SLACK_SECRET))
                .property("alerthub.delivery.slack-per-second", "1000")
                .property("alerthub.api.token", API_TOKEN)
                .property("alerthub.prometheus.url", prometheus.url(""))
                .property("alerthub.kubernetes.master-url", kube.url())
                .property("alerthub.remediation.namespaces", "shop")
                .start();
    }

    @AfterContainer
    static void stop() {
        if (hub != null) {
            hub.close();
        }
        log.close();
        kube.close();
        prometheus.close();
        slack.close();
        pagerDuty.close();
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
    void everyHostileRequestGetsA4xxWithJsonOrA200NeverA5xxAndLeavesNothingBehind(@ForAll("corpus") Hostile h) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.url(h.path()))).timeout(Duration.ofSeconds(30))
                .method(h.method(), h.body().length == 0 && !h.method().equals("POST")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(h.body()));
        if (h.contentType() != null) {
            b.header("Content-Type", h.contentType());
        }
        if (h.path().startsWith("/api/") && !h.method().equals("GET")) {
            b.header("Authorization", "Bearer " + API_TOKEN);
        }
        HttpResponse<String> r = hub.send(b.build());
        int count = sent.incrementAndGet();
        int status = r.statusCode();
        assertThat(status).as("never a 5xx (Alertmanager retries those forever): %s -> %s", h, r.body()).isLessThan(500);
        if (status >= 400 && formEncoded(h.contentType())) {
            // Vert.x's body handler answers an undecodable form body with a plain-text 400 before any
            // route runs (found by this corpus; reported): a 4xx all the same, so Alertmanager does not retry
            rejected.add(h.token());
        } else if (status >= 400) {
            JsonNode body = json(r.body(), h);
            assertThat(body.path("status").asInt()).as("%s -> %s", h, r.body()).isEqualTo(status);
            assertThat(body.path("message").asText()).as("%s -> %s", h, r.body()).isNotBlank();
            rejected.add(h.token());
        } else {
            assertThat(status).as("%s -> %s", h, r.body()).isEqualTo(200);
            accepted.incrementAndGet();
        }
        if (count == TRIES) {
            // the last try also checks what the whole corpus left behind
            nothingRejectedWasSentAndNoSecretOrForeignCallEscaped();
        }
    }

    static void nothingRejectedWasSentAndNoSecretOrForeignCallEscaped() {
        assertThat(sent.get()).as("requests sent").isGreaterThanOrEqualTo(1000);
        assertThat(rejected).as("the corpus rejects some").isNotEmpty();
        assertThat(accepted.get()).as("the corpus accepts some").isPositive();
        // the hub still takes a real webhook, and finishes everything it took
        assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-critical")).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> pagerDuty.requests().stream().anyMatch(q -> q.body().contains("HighErrorRate")));
        await().atMost(Duration.ofSeconds(60)).until(() -> hub.context().getInflightRepository().size() == 0);
        assertThat(hub.get("/api/alerts").statusCode()).isEqualTo(200);

        List<String> outbound = new ArrayList<>();
        pagerDuty.requests().forEach(q -> outbound.add(q.body()));
        slack.requests().forEach(q -> outbound.add(q.body()));
        log.lines().stream().filter(l -> l.contains("would send")).forEach(outbound::add);
        for (String token : rejected) {
            assertThat(outbound).as("a rejected request was notified").noneMatch(o -> o.contains(token));
        }
        assertThat(prometheus.requests()).as("no PromQL built from a payload").isEmpty();
        List<String> kubeCalls = new ArrayList<>();
        try {
            for (RecordedRequest q; (q = kube.server().takeRequest(1, TimeUnit.MILLISECONDS)) != null; ) {
                kubeCalls.add(q.getMethod() + " " + q.getPath());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertThat(kubeCalls).as("Kubernetes only for namespace shop and valid names")
                .allMatch(c -> ALLOWED_KUBE.matcher(c.substring(c.indexOf(' ') + 1)).matches());
        assertThat(log.lines()).as("no secret in the log").noneMatch(l -> l.contains(SLACK_SECRET)
                || l.contains(ROUTING_KEY) || l.contains(API_TOKEN));
    }

    static boolean formEncoded(String contentType) {
        return contentType != null && (contentType.startsWith("application/x-www-form-urlencoded")
                || contentType.startsWith("multipart/form-data"));
    }

    // ---- the corpus

    @Provide
    Arbitrary<Hostile> corpus() {
        return Arbitraries.frequencyOf(
                Tuple.of(30, labelValues()),
                Tuple.of(10, labelNames()),
                Tuple.of(10, wrongTypes()),
                Tuple.of(10, truncated()),
                Tuple.of(5, deeplyNested()),
                Tuple.of(4, oversized()),
                Tuple.of(6, rawBytes()),
                Tuple.of(6, junk()),
                Tuple.of(12, silences()),
                Tuple.of(7, apiPaths()));
    }

    static Arbitrary<String> hostile() {
        Arbitrary<String> fragment = Arbitraries.of(FRAGMENTS);
        Arbitrary<String> unicode = Arbitraries.strings().all().ofMaxLength(30);
        Arbitrary<String> big = Arbitraries.integers().between(1_000, 70_000).map(n -> "A".repeat(n));
        Arbitrary<String> mixed = Combinators.combine(fragment, unicode, fragment).as((a, b, c) -> a + b + c);
        return Arbitraries.frequencyOf(Tuple.of(5, fragment), Tuple.of(3, unicode), Tuple.of(1, big), Tuple.of(4, mixed));
    }

    /** A real webhook (one of the captured fixtures) whose alerts carry this try's token. */
    static ObjectNode base(String token, String fixture) {
        ObjectNode body = (ObjectNode) json(new String(Fixtures.webhook(fixture), StandardCharsets.UTF_8), null);
        for (JsonNode a : body.path("alerts")) {
            ((ObjectNode) a.path("labels")).put("corpus", token);
            ((ObjectNode) a.path("labels")).put("alertname", "Corpus" + token);
            ((ObjectNode) a).remove("fingerprint");
        }
        return body;
    }

    static Arbitrary<String> fixture() {
        return Arbitraries.of("webhook-firing-warning", "webhook-firing-critical", "webhook-firing-info",
                "webhook-firing-warning-2-alerts", "webhook-resolved-warning", "webhook-mixed");
    }

    static String token() {
        return "hx" + serial.incrementAndGet() + "x";
    }

    static Hostile webhook(String kind, byte[] body, String token) {
        return new Hostile(kind, "POST", "/webhooks/alertmanager", "application/json", body, token);
    }

    static byte[] escaped(JsonNode node) {
        try {
            return ESCAPING.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Arbitrary<Hostile> labelValues() {
        Arbitrary<String> where = Arbitraries.of("labels.alertname", "labels.namespace", "labels.deployment",
                "labels.severity", "labels.action", "labels.instance", "labels.job", "labels.extra",
                "annotations.summary", "annotations.description", "annotations.runbook_url", "generatorURL",
                "fingerprint", "groupKey", "externalURL", "receiver");
        Arbitrary<String> action = Arbitraries.of("", "rollback", "restart", "scale", "Rollback", "rollback;restart");
        return Combinators.combine(fixture(), where, hostile(), action).as((fixture, at, value, act) -> {
            String token = token();
            ObjectNode body = base(token, fixture);
            String[] path = at.split("\\.");
            for (JsonNode a : body.path("alerts")) {
                if (!act.isEmpty()) {
                    ((ObjectNode) a.path("labels")).put("action", act).put("namespace", "shop");
                }
                if (path.length == 2) {
                    ((ObjectNode) a.path(path[0])).put(path[1], value);
                } else if (path[0].equals("generatorURL") || path[0].equals("fingerprint")) {
                    ((ObjectNode) a).put(path[0], value);
                } else {
                    body.put(path[0], value);
                }
            }
            return webhook("label-value " + at, escaped(body), token);
        });
    }

    Arbitrary<Hostile> labelNames() {
        return Combinators.combine(fixture(), hostile(), Arbitraries.of("labels", "annotations")).as((fixture, name, where) -> {
            String token = token();
            ObjectNode body = base(token, fixture);
            ((ObjectNode) body.path("alerts").get(0).path(where)).put(name, "v");
            return webhook("name in " + where, escaped(body), token);
        });
    }

    Arbitrary<Hostile> wrongTypes() {
        Arbitrary<String> field = Arbitraries.of("version", "alerts", "alerts.0", "labels", "annotations", "startsAt",
                "endsAt", "status", "alert.status", "generatorURL", "fingerprint", "truncatedAlerts", "groupLabels",
                "labels.value", "labels.nested", "labels.null");
        Arbitrary<JsonNode> value = Arbitraries.of(Json.MAPPER.getNodeFactory().numberNode(4),
                Json.MAPPER.getNodeFactory().textNode("x"), Json.MAPPER.getNodeFactory().nullNode(),
                Json.MAPPER.getNodeFactory().booleanNode(true), Json.MAPPER.createArrayNode().add(1).add("a"),
                Json.MAPPER.createObjectNode().put("a", 1), Json.MAPPER.getNodeFactory().textNode(""),
                Json.MAPPER.getNodeFactory().textNode("9999-99-99T99:99:99Z"),
                Json.MAPPER.getNodeFactory().numberNode(-1e308), Json.MAPPER.getNodeFactory().textNode("yesterday"));
        return Combinators.combine(fixture(), field, value).as((fixture, f, v) -> {
            String token = token();
            ObjectNode body = base(token, fixture);
            ObjectNode alert = (ObjectNode) body.path("alerts").get(0);
            switch (f) {
                case "alerts.0" -> ((ArrayNode) body.path("alerts")).set(0, v);
                case "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint" -> alert.set(f, v);
                case "alert.status" -> alert.set("status", v);
                case "labels.value" -> ((ObjectNode) alert.path("labels")).set("severity", v);
                case "labels.nested" -> ((ObjectNode) alert.path("labels")).set("x", Json.MAPPER.createObjectNode().set("y", v));
                case "labels.null" -> ((ObjectNode) alert.path("labels")).putNull("namespace");
                default -> body.set(f, v);
            }
            return webhook("wrong type " + f, body.toString().getBytes(StandardCharsets.UTF_8), token);
        });
    }

    Arbitrary<Hostile> truncated() {
        return Combinators.combine(fixture(), Arbitraries.integers().between(0, 999)).as((fixture, permille) -> {
            String token = token();
            byte[] whole = base(token, fixture).toString().getBytes(StandardCharsets.UTF_8);
            return webhook("truncated", Arrays.copyOf(whole, whole.length * permille / 1000), token);
        });
    }

    Arbitrary<Hostile> deeplyNested() {
        return Combinators.combine(fixture(), Arbitraries.integers().between(50, 20_000), Arbitraries.of(true, false))
                .as((fixture, depth, whole) -> {
                    String token = token();
                    String nested = "[".repeat(depth) + "]".repeat(depth);
                    String body = whole ? nested : base(token, fixture).toString()
                            .replaceFirst("\"annotations\":\\{", "\"annotations\":{\"deep\":" + nested + ",");
                    return webhook("nested " + depth, body.getBytes(StandardCharsets.UTF_8), token);
                });
    }

    Arbitrary<Hostile> oversized() {
        return Arbitraries.of("body", "alerts", "labels", "value", "name").map(what -> {
            String token = token();
            ObjectNode body = base(token, "webhook-firing-warning");
            ObjectNode alert = (ObjectNode) body.path("alerts").get(0);
            switch (what) {
                case "body" -> ((ObjectNode) alert.path("annotations")).put("description", "x".repeat(1_100_000));
                case "alerts" -> {
                    ArrayNode alerts = body.withArray("alerts");
                    for (int i = 0; i < 3000; i++) {
                        ObjectNode copy = alert.deepCopy();
                        ((ObjectNode) copy.path("labels")).put("i", String.valueOf(i));
                        alerts.add(copy);
                    }
                }
                case "labels" -> {
                    for (int i = 0; i < 1000; i++) {
                        ((ObjectNode) alert.path("labels")).put("l" + i, "v" + i);
                    }
                }
                case "value" -> ((ObjectNode) alert.path("labels")).put("namespace", "n".repeat(200_000));
                default -> ((ObjectNode) alert.path("labels")).put("n".repeat(3000), "v");
            }
            return webhook("oversized " + what, body.toString().getBytes(StandardCharsets.UTF_8), token);
        });
    }

    Arbitrary<Hostile> rawBytes() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
        Arbitrary<byte[]> badUtf8 = fixture().map(f -> base("raw", f).toString().replace("shop", "sh\u0001op")
                .getBytes(StandardCharsets.UTF_8)).map(b -> {
                    byte[] out = Arrays.copyOf(b, b.length);
                    for (int i = 0; i < out.length; i++) {
                        if (out[i] == 1) {
                            out[i] = (byte) 0xC3; // a lead byte with no continuation
                        }
                    }
                    return out;
                });
        Arbitrary<String> type = Arbitraries.of("application/json", "application/json; charset=utf-16", "text/plain",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "");
        return Combinators.combine(Arbitraries.oneOf(random, badUtf8), type).as((body, ct) -> new Hostile("raw bytes",
                "POST", "/webhooks/alertmanager", ct.isEmpty() ? null : ct, body, token()));
    }

    Arbitrary<Hostile> junk() {
        return Arbitraries.of("", "null", "[]", "{}", "\"x\"", "1e999999", "{\"version\":\"4\"}", "{\"alerts\":null}",
                "{\"version\":\"4\",\"alerts\":[]}", "\uFEFF{\"version\":\"4\",\"alerts\":[]}",
                "{\"version\":\"4\",\"version\":\"3\",\"alerts\":[]}", "{\"version\":NaN}", "{'version':'4'}",
                "{\"version\":\"4\",\"alerts\":[{}]}", "{\"version\":\"4\",\"alerts\":[{\"labels\":{}}]}",
                "{\"version\":\"4\",\"alerts\":[null]}", "/* */{}", "{\"a\":1}garbage", "\u0000")
                .map(s -> webhook("junk", s.getBytes(StandardCharsets.UTF_8), token()));
    }

    Arbitrary<Hostile> silences() {
        Arbitrary<String> value = Arbitraries.of(FRAGMENTS);
        Arbitrary<JsonNode> endsAt = Arbitraries.of(Json.MAPPER.getNodeFactory().textNode(Instant.now().plusSeconds(600).toString()),
                Json.MAPPER.getNodeFactory().textNode("tomorrow"), Json.MAPPER.getNodeFactory().numberNode(1),
                Json.MAPPER.getNodeFactory().nullNode());
        return Combinators.combine(value, value, Arbitraries.of(true, false), endsAt, Arbitraries.integers().between(0, 999))
                .as((name, v, regex, ends, cut) -> {
                    ObjectNode s = Json.MAPPER.createObjectNode();
                    s.putArray("matchers").addObject().put("name", name).put("value", v).put("isRegex", regex)
                            .put("isEqual", true);
                    s.set("endsAt", ends);
                    s.put("createdBy", v).put("comment", name);
                    byte[] body = escaped(s);
                    // a quarter of them cut short
                    byte[] sent = cut < 250 ? Arrays.copyOf(body, body.length * cut / 250) : body;
                    return new Hostile("silence", "POST", "/api/silences", "application/json", sent, token());
                });
    }

    Arbitrary<Hostile> apiPaths() {
        return Combinators.combine(Arbitraries.of(FRAGMENTS), Arbitraries.of("status", "silence", "dead-letter", "hold"))
                .as((v, which) -> {
                    String enc = URLEncoder.encode(v, StandardCharsets.UTF_8);
                    return switch (which) {
                        case "status" -> new Hostile("query", "GET", "/api/alerts?status=" + enc, null, new byte[0], token());
                        case "silence" -> new Hostile("path", "DELETE", "/api/silences/x" + enc, null, new byte[0], token());
                        case "dead-letter" -> new Hostile("path", "POST", "/api/dead-letters/x" + enc + "/replay",
                                "application/json", new byte[0], token());
                        default -> new Hostile("path", "DELETE", "/api/remediation/holds/shop/x" + enc, null,
                                new byte[0], token());
                    };
                });
    }

    static JsonNode json(String s, Hostile h) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s + (h == null ? "" : " for " + h), e);
        }
    }
}
