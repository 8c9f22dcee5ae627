package dev.alerthub.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.alerthub.alert.Json;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.Ports;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The digest through the real hub: GET /api/digest's figures from what the webhook stored, 400 for a
 * bad window, POST /api/digest/send reaching GreenMail and the Slack stub through the sinks' send routes.
 */
class DigestTest {
    static HttpStub slack;
    static GreenMail smtp;
    static TestHub hub;

    @BeforeAll
    static void start() {
        slack = SinkStubs.slack();
        smtp = new GreenMail(new ServerSetup(Ports.free(), "127.0.0.1", "smtp"));
        smtp.start();
        hub = TestHub.builder().slack(slack).smtp(smtp.getSmtp().getPort(), "oncall@example.test")
                .property("alerthub.digest.timezone", "Europe/Berlin")
                .start();
        hub.postWebhook(Fixtures.webhook("webhook-firing-critical"));
        hub.postWebhook(Fixtures.webhook("webhook-resolved"));
    }

    @AfterAll
    static void stop() {
        hub.close();
        smtp.stop();
        slack.close();
    }

    @Test
    void theFiguresCountWhatTheWebhookStored() {
        HttpResponse<String> r = hub.get("/api/digest?hours=24");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode d = Json.read(r.body(), JsonNode.class);
        assertThat(d.path("hours").asInt()).isEqualTo(24);
        assertThat(d.at("/fired/total").asLong()).isEqualTo(1);
        assertThat(d.at("/fired/bySeverity/critical").asLong()).isEqualTo(1);
        assertThat(d.at("/fired/byTeam/payments").asLong()).isEqualTo(1);
        assertThat(d.at("/resolved/total").asLong()).isEqualTo(1);
        // startsAt 23:10:05.89, endsAt 23:10:32.08 in the fixtures
        assertThat(d.at("/timeToResolve/p50Seconds").asLong()).isEqualTo(26);
        assertThat(d.at("/noisiest/0/alertname").asText()).isEqualTo("HighErrorRate");
        assertThat(d.at("/noisiest/0/namespace").asText()).isEqualTo("shop");
        assertThat(d.at("/stillFiring/total").asLong()).isZero();
    }

    @Test
    void aBadWindowIsA400NamingTheParameter() {
        for (String bad : new String[] {"abc", "0", "-3", "745", "1.5"}) {
            HttpResponse<String> r = hub.get("/api/digest?hours=" + bad);
            assertThat(r.statusCode()).as("hours=" + bad).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(Json.read(r.body(), JsonNode.class).path("message").asText())
                    .isEqualTo("hours: '" + bad + "' is not a whole number of hours between 1 and 744");
        }
        assertThat(hub.post("/api/digest/send?hours=abc", new byte[0], null, null).statusCode()).isEqualTo(400);
    }

    @Test
    void sendingNowMailsTheDigestAndPostsItToSlack() throws Exception {
        HttpResponse<String> r = hub.post("/api/digest/send?hours=12", new byte[0], null, null);
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(Json.read(r.body(), JsonNode.class).path("sinks").toString()).isEqualTo("[\"email\",\"slack\"]");

        await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length == 1
                && slack.accepted().stream().anyMatch(p -> p.body().contains("[DIGEST]")));
        MimeMessage mail = smtp.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("[DIGEST] alerthub, last 12h: 1 fired, 1 resolved, 0 still firing");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("oncall@example.test");
        String raw = GreenMailUtil.getWholeMessage(mail);
        assertThat(raw).contains("text/plain").contains("text/html").contains("HighErrorRate (shop) x1");
        JsonNode post = Json.read(slack.accepted().stream().filter(p -> p.body().contains("[DIGEST]")).findFirst()
                .orElseThrow().body(), JsonNode.class);
        assertThat(post.path("text").asText()).startsWith("[DIGEST] alerthub, last 12h");
        assertThat(post.at("/blocks/0/type").asText()).isEqualTo("header");
        assertThat(slack.violations()).isEmpty();
    }
}
