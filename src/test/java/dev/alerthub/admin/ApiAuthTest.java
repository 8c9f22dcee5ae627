package dev.alerthub.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.TestHub;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code alerthub.api.token} set: every write under /api needs the bearer token, reads stay open.
 * The write routes are found in the running context, not listed here, so a route added later is
 * covered without touching this test.
 */
class ApiAuthTest {
    static final String TOKEN = "api-token-7f3a9c1e5b";
    static final String SILENCE = """
            {"matchers":[{"name":"severity","value":"critical","isRegex":false}],"endsAt":"%s",
             "createdBy":"mallory","comment":"mute every page"}""";
    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.builder().property("alerthub.api.token", TOKEN).start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    /** Every platform-http route under /api that accepts a method other than GET: path and methods. */
    static Map<String, List<String>> apiWriteRoutes() {
        Map<String, List<String>> writes = new TreeMap<>();
        for (Route route : hub.context().getRoutes()) {
            if (route.getEndpoint() instanceof PlatformHttpEndpoint e && e.getPath().startsWith("/api")) {
                String methods = e.getHttpMethodRestrict() == null ? "POST,PUT,DELETE" : e.getHttpMethodRestrict();
                for (String m : methods.split(",")) {
                    if (!m.trim().equalsIgnoreCase("GET")) {
                        writes.computeIfAbsent(e.getPath(), k -> new ArrayList<>()).add(m.trim().toUpperCase());
                    }
                }
            }
        }
        return writes;
    }

    @Test
    void everyApiWriteRouteRefusesAMissingOrWrongTokenWith401AndChangesNothing() {
        Map<String, List<String>> writes = apiWriteRoutes();
        assertThat(writes).as("the write routes this test must reach").containsKeys("/api/silences",
                "/api/silences/{id}", "/api/remediation/pause", "/api/remediation/resume",
                "/api/remediation/holds/{namespace}/{deployment}", "/api/dead-letters/{id}/replay");
        String before = state();
        for (Map.Entry<String, List<String>> w : writes.entrySet()) {
            String path = w.getKey().replaceAll("\\{[^}]+}", "x1");
            for (String method : w.getValue()) {
                for (String authorization : new String[] {null, "Bearer wrong-" + TOKEN, "Bearer " + TOKEN + "x",
                        "Basic " + TOKEN, TOKEN}) {
                    HttpResponse<String> r = send(method, path, silence(), authorization);
                    assertThat(r.statusCode()).as(method + " " + path + " with " + authorization + ": " + r.body())
                            .isEqualTo(401);
                    JsonNode body = json(r.body());
                    assertThat(body.path("status").asInt()).isEqualTo(401);
                    assertThat(body.path("message").asText()).contains("Authorization");
                    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"alerthub\"");
                }
            }
        }
        assertThat(state()).as("silences, remediation state, holds and dead letters unchanged").isEqualTo(before);
    }

    @Test
    void theRightTokenCreatesTheSilenceAndReadsNeedNoToken() {
        assertThat(send("POST", "/api/silences", silence(), "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(json(hub.get("/api/silences").body())).isEmpty();

        HttpResponse<String> created = send("POST", "/api/silences", silence(), "Bearer " + TOKEN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = json(created.body()).path("silenceID").asText();
        HttpResponse<String> listed = hub.get("/api/silences");
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).contains(id);

        assertThat(send("DELETE", "/api/silences/" + id, null, null).statusCode()).isEqualTo(401);
        assertThat(send("DELETE", "/api/silences/" + id, null, "bearer " + TOKEN).statusCode())
                .as("the scheme is case-insensitive").isEqualTo(200);
    }

    @Test
    void pauseWithAWrongTokenLeavesRemediationRunning() {
        assertThat(send("POST", "/api/remediation/pause", "", "Bearer nope").statusCode()).isEqualTo(401);
        assertThat(json(hub.get("/api/remediation").body()).path("paused").asBoolean()).isFalse();
        assertThat(send("POST", "/api/remediation/pause", "", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(json(hub.get("/api/remediation").body()).path("paused").asBoolean()).isTrue();
        assertThat(send("POST", "/api/remediation/resume", "", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    }

    static String state() {
        return String.join("\n", hub.get("/api/silences").body(), hub.get("/api/remediation").body(),
                hub.get("/api/remediation/holds").body(), hub.get("/api/dead-letters").body());
    }

    static String silence() {
        return SILENCE.formatted(Instant.now().plus(Duration.ofHours(1)));
    }

    static HttpResponse<String> send(String method, String path, String body, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.url(path))).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return hub.send(b.build());
    }

    static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }
}
