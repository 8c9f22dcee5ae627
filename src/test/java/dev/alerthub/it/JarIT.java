package dev.alerthub.it;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.HubProcess;
import dev.alerthub.support.Ports;
import dev.alerthub.support.SinkStubs;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The packaged jar, run the way a user runs it: shading, start-up, environment overrides, ports. */
class JarIT {

    @Test
    void startsInSecondsFromAnyDirectoryAndTakesSettingsAndPortsFromTheEnvironment() throws Exception {
        Path workDir = Files.createTempDirectory("alerthub-jar");
        GreenMail smtp = new GreenMail(new ServerSetup(Ports.free(), "127.0.0.1", "smtp"));
        smtp.start();
        try (HttpStub slack = SinkStubs.slack();
             HubProcess hub = HubProcess.builder().workDir(workDir).portsFromEnvironment()
                     .env("ALERTHUB_SLACK_WEBHOOK_URL", slack.url("/services/T1/B1/SECRET"))
                     .env("ALERTHUB_EMAIL_SMTP_HOST", "127.0.0.1")
                     .env("ALERTHUB_EMAIL_SMTP_PORT", String.valueOf(smtp.getSmtp().getPort()))
                     .env("ALERTHUB_EMAIL_TO", "oncall@example.test")
                     .start()) {
            long t0 = System.nanoTime();
            hub.awaitReady(Duration.ofSeconds(30));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("alerthub.jar ready in " + ms + " ms");

            String log = hub.log();
            assertThat(log).contains("Sink pagerduty: disabled").contains("Sink slack: live")
                    .contains("Sink email: live").contains("Action rollback: ").contains("Action restart: ")
                    .contains("Action scale: ");
            assertThat(Files.exists(workDir.resolve("data/alerthub.mv.db")))
                    .as("embedded store in ./data of the working directory").isTrue();

            assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-warning")).statusCode()).isEqualTo(200);
            assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-info")).statusCode()).isEqualTo(200);
            assertThat(hub.postWebhook(Fixtures.webhook("webhook-firing-critical")).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(15)).until(() -> slack.accepted().size() == 1
                    && smtp.getReceivedMessages().length == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> hub.log().contains("PagerDuty is not configured"));
            assertThat(slack.violations()).isEmpty();
            assertThat(hub.log()).doesNotContain("SECRET");
        } finally {
            smtp.stop();
        }
    }

    @Test
    void refusesToStartWhenItsWebhookPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             HubProcess hub = HubProcess.builder().port(taken.getLocalPort()).start()) {
            assertThat(hub.process().waitFor(60, TimeUnit.SECONDS)).as("exits").isTrue();
            assertThat(hub.process().exitValue()).isNotZero();
            assertThat(hub.log()).contains("camel.server.port: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
