package dev.alerthub.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.Binaries;
import dev.alerthub.support.LogCapture;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No {@code alerthub.api.token}: a client on another host may read but not write. The other host is
 * a network namespace this test makes (veth pair, TEST-NET-2 addresses), so the hub sees a real
 * non-loopback TCP peer; the hub listens on its end of the pair only.
 */
class NonLoopbackApiWritesTest {
    static final Path IP = Binaries.require("ip", "apt-get install iproute2");
    static final Path CURL = Binaries.require("curl", "apt-get install curl");
    static final Path HERE = Path.of("").toAbsolutePath();
    static String ns;
    static String hubAddress;
    static TestHub hub;
    static List<String> startupLog;

    @BeforeAll
    static void start() {
        int n = ThreadLocalRandom.current().nextInt(1, 63);
        ns = "ahsec" + n;
        String hostSide = "ahs" + n + "h";
        String nsSide = "ahs" + n + "n";
        hubAddress = "198.51.100." + (n * 4 + 1);
        String clientAddress = "198.51.100." + (n * 4 + 2);
        ip("netns", "add", ns);
        ip("link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
        ip("link", "set", nsSide, "netns", ns);
        ip("addr", "add", hubAddress + "/30", "dev", hostSide);
        ip("link", "set", hostSide, "up");
        ip("netns", "exec", ns, "ip", "addr", "add", clientAddress + "/30", "dev", nsSide);
        ip("netns", "exec", ns, "ip", "link", "set", nsSide, "up");
        try (LogCapture log = new LogCapture()) {
            hub = TestHub.builder().property("camel.server.host", hubAddress).start();
            startupLog = log.lines();
        }
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
        // deleting the namespace deletes its end of the pair, and with it the other end
        Binaries.run(HERE, IP, "netns", "del", ns);
    }

    static void ip(String... args) {
        Binaries.Result r = Binaries.run(HERE, IP, args);
        assertThat(r.exit()).as("ip " + String.join(" ", args) + ": " + r.err()).isZero();
    }

    /** curl run inside the namespace: status line last. */
    static String[] fromOtherHost(String method, String path, String body, String... headers) {
        List<String> args = new ArrayList<>(List.of("netns", "exec", ns, CURL.toString(), "-s", "-m", "20",
                "-o", "-", "-w", "\n%{http_code}", "-X", method, "-H", "Content-Type: application/json"));
        for (String h : headers) {
            args.add("-H");
            args.add(h);
        }
        if (body != null) {
            args.add("--data-binary");
            args.add(body);
        }
        args.add("http://" + hubAddress + ":" + hub.url("").replaceAll(".*:", "") + path);
        Binaries.Result r = Binaries.run(HERE, IP, args.toArray(String[]::new));
        assertThat(r.exit()).as("curl: " + r.err()).isZero();
        int cut = r.out().lastIndexOf('\n');
        return new String[] {r.out().substring(cut + 1), r.out().substring(0, cut)};
    }

    @Test
    void aClientOnAnotherHostGets403ForAWriteAndNothingChanges() throws Exception {
        String silence = """
                {"matchers":[{"name":"severity","value":"critical"}],"endsAt":"%s","createdBy":"x","comment":"y"}"""
                .formatted(Instant.now().plus(Duration.ofHours(1)));
        String[] refused = fromOtherHost("POST", "/api/silences", silence, "X-Forwarded-For: 127.0.0.1",
                "Forwarded: for=127.0.0.1", "Authorization: Bearer guess");
        assertThat(refused[0]).as(refused[1]).isEqualTo("403");
        JsonNode body = Json.MAPPER.readTree(refused[1]);
        assertThat(body.path("status").asInt()).isEqualTo(403);
        assertThat(body.path("message").asText()).contains("alerthub.api.token");
        assertThat(fromOtherHost("POST", "/api/remediation/pause", "")[0]).isEqualTo("403");
        assertThat(fromOtherHost("DELETE", "/api/remediation/holds/shop/checkout", null)[0]).isEqualTo("403");

        String[] silences = fromOtherHost("GET", "/api/silences", null);
        assertThat(silences[0]).as("reads stay open").isEqualTo("200");
        assertThat(silences[1]).as("no silence was created").isEqualTo("[]");
        String[] remediation = fromOtherHost("GET", "/api/remediation", null);
        assertThat(Json.MAPPER.readTree(remediation[1]).path("paused").asBoolean()).isFalse();
    }

    @Test
    void theHubWarnsAtStartUpThatWritesAreLoopbackOnly() {
        assertThat(startupLog).anyMatch(l -> l.contains("alerthub.api.token is not set")
                && l.contains("loopback clients only"));
    }
}
