package dev.alerthub.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.alerthub.alert.Json;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.LogCapture;
import dev.alerthub.support.Ports;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.apache.camel.Endpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Label and annotation values are data, never markup or links the sender did not mean; secrets
 * stay out of endpoint URIs, JMX, health details and the log. Through the real routes, to the
 * PagerDuty and Slack stand-ins and GreenMail.
 */
class SafeOutputTest {
    static final String WEBHOOK_SECRET = "s3cr3tW3bh00kPathX9";
    static final String SMTP_PASSWORD = "smtpS3cretPwQ7";
    static final String PROMETHEUS_PASSWORD = "promS3cretPwZ4";
    static final String HEALTH = "/observe/health/ready?exposureLevel=full&data=true";
    static final String[] MARKUP = {"<!channel>", "<!here>", "<@U024BE7LH>", "<https://evil.example/x|click here>"};
    static HttpStub pagerDuty;
    static HttpStub slack;
    static GreenMail smtp;
    static TestHub hub;
    static LogCapture log;

    @BeforeAll
    static void start() {
        pagerDuty = SinkStubs.pagerDuty();
        slack = SinkStubs.slack();
        smtp = new GreenMail(new ServerSetup(Ports.free(), "127.0.0.1", "smtp"));
        smtp.setUser("oncall@example.test", "alerthub", SMTP_PASSWORD);
        smtp.start();
        log = new LogCapture();
        hub = TestHub.builder().pagerDuty(pagerDuty).smtp(smtp.getSmtp().getPort(), "oncall@example.test")
                .property("alerthub.slack.webhook-url", slack.url("/services/T0SEC/B0SEC/" + WEBHOOK_SECRET))
                .property("alerthub.email.username", "alerthub")
                .property("alerthub.email.password", SMTP_PASSWORD)
                // nothing listens there: the health check reports it unreachable, with its URL
                .property("alerthub.prometheus.url", "http://probe:" + PROMETHEUS_PASSWORD + "@127.0.0.1:"
                        + Ports.free() + "/")
                .start();
        post("HostileWarning", "warning");
        post("HostileCritical", "critical");
        post("HostileInfo", "info");
        await().atMost(Duration.ofSeconds(20)).until(() -> slack.accepted().size() == 1
                && pagerDuty.accepted().size() == 1 && smtp.getReceivedMessages().length == 1);
    }

    @AfterAll
    static void stop() {
        hub.close();
        log.close();
        smtp.stop();
        pagerDuty.close();
        slack.close();
    }

    static void post(String alertname, String severity) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", alertname);
        labels.put("severity", severity);
        labels.put("namespace", "shop");
        labels.put("deployment", "<!channel>");
        labels.put("team", "<@U024BE7LH> & <script>alert(1)</script>");
        Map<String, String> annotations = Map.of(
                "summary", "<!here> checkout is down <https://evil.example/x|click here>",
                "description", "<img src=x onerror=alert(1)> \"quoted\" & 'single'",
                "runbook_url", "javascript:alert(document.cookie)");
        ObjectNode body = (ObjectNode) json(new String(AlertmanagerWebhook.create()
                .firing(labels, annotations, Instant.now().minusSeconds(60)).bytes(), StandardCharsets.UTF_8));
        ((ObjectNode) body.path("alerts").get(0)).put("generatorURL", "JavaScript:alert(2)//http://prometheus");
        assertThat(hub.postWebhook(body.toString().getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
    }

    /** Every string Slack would render: the top-level text and each text inside blocks. */
    static List<String> slackTexts(JsonNode message) {
        List<String> texts = new ArrayList<>();
        texts.add(message.path("text").asText());
        message.path("blocks").findValues("text").forEach(t -> texts.add(t.isTextual() ? t.asText() : t.path("text").asText()));
        return texts;
    }

    @Test
    void mentionsAndLinksInLabelsArriveEscapedInSlackTextAndBlocks() {
        JsonNode message = json(slack.accepted().get(0).body());
        for (String text : slackTexts(message)) {
            for (String markup : MARKUP) {
                assertThat(text).as("raw markup in a Slack text").doesNotContain(markup);
            }
            assertThat(text).doesNotContain("<");
        }
        assertThat(message.path("text").asText()).contains("&lt;!here&gt;").contains("&lt;https://evil.example/x|click here&gt;");
        assertThat(String.join("\n", slackTexts(message).subList(1, slackTexts(message).size())))
                .contains("&lt;!channel&gt;").contains("&lt;@U024BE7LH&gt; &amp; &lt;script&gt;")
                .contains("&lt;!here&gt;");
        assertThat(slack.violations()).isEmpty();
    }

    @Test
    void aJavascriptRunbookOrGeneratorUrlIsNeverALink() throws Exception {
        String slackBody = slack.accepted().get(0).body();
        for (JsonNode url : json(slackBody).findValues("url")) {
            assertThat(url.asText()).startsWith("http");
        }
        assertThat(json(slackBody).findValues("url")).noneMatch(u -> u.asText().toLowerCase().contains("javascript"));

        JsonNode page = json(pagerDuty.accepted().get(0).body());
        for (JsonNode link : page.path("links")) {
            assertThat(link.path("href").asText()).matches("(?i)https?://.*");
        }
        assertThat(page.path("links").toString().toLowerCase()).doesNotContain("javascript");

        String html = htmlPart(smtp.getReceivedMessages()[0]);
        assertThat(html.toLowerCase()).doesNotContain("href=\"javascript").doesNotContain("href=\"javascript:");
        assertThat(html).doesNotContain("<a href=\"JavaScript");
    }

    @Test
    void emailHtmlShowsLabelAndAnnotationValuesAsText() throws Exception {
        String html = htmlPart(smtp.getReceivedMessages()[0]);
        assertThat(html).doesNotContain("<script>").doesNotContain("<img").doesNotContain("<!channel>");
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").contains("&lt;img src=x onerror=alert(1)&gt;")
                .contains("&quot;quoted&quot;");
    }

    @Test
    void noSecretIsInAnEndpointUriOrJmx() throws Exception {
        List<String> uris = new ArrayList<>();
        for (Endpoint e : hub.context().getEndpoints()) {
            uris.add(e.getEndpointUri());
            uris.add(e.getEndpointKey());
        }
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName n : jmx.queryNames(new ObjectName("org.apache.camel:context="
                + hub.context().getManagementName() + ",*"), null)) {
            uris.add(n.toString());
            if ("endpoints".equals(n.getKeyProperty("type"))) {
                uris.add(String.valueOf(jmx.getAttribute(n, "EndpointUri")));
            }
        }
        assertThat(uris).as("the Slack and SMTP endpoints were used").anyMatch(u -> u.startsWith("smtp"));
        assertThat(uris).as("the PromQL probe's endpoint exists").anyMatch(u -> u.contains("api/v1/query"));
        assertThat(uris).noneMatch(u -> u.contains(WEBHOOK_SECRET)).noneMatch(u -> u.contains(SMTP_PASSWORD))
                .noneMatch(u -> u.contains(PROMETHEUS_PASSWORD));
    }

    @Test
    void noSecretIsInHealthDetailsOrTheLog() {
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.get(hub.managementUrl(HEALTH))
                .body().contains("prometheus.state"));
        String health = hub.get(hub.managementUrl(HEALTH)).body();
        assertThat(health).contains("prometheus.url").doesNotContain(PROMETHEUS_PASSWORD);
        assertThat(log.lines()).isNotEmpty().noneMatch(l -> l.contains(PROMETHEUS_PASSWORD)
                || l.contains(SMTP_PASSWORD) || l.contains(WEBHOOK_SECRET));
    }

    static String htmlPart(MimeMessage mail) throws Exception {
        String html = html(mail.getContent(), mail.getContentType());
        assertThat(html).as("the mail has an HTML part").isNotNull();
        return html;
    }

    private static String html(Object content, String type) throws Exception {
        if (content instanceof MimeMultipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                String found = html(mp.getBodyPart(i).getContent(), mp.getBodyPart(i).getContentType());
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        return type.toLowerCase().startsWith("text/html") ? String.valueOf(content) : null;
    }

    static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }
}
