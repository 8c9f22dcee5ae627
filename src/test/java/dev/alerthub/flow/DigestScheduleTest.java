package dev.alerthub.flow;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.alerthub.ops.LeaderElection;
import dev.alerthub.support.Ports;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The digest's Quartz schedule runs on the elected leader and its mail reaches GreenMail. */
class DigestScheduleTest {

    @Test
    void theLeaderMailsTheDigestOnItsCron() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(Ports.free(), "127.0.0.1", "smtp"));
        smtp.start();
        try (TestHub hub = TestHub.builder().smtp(smtp.getSmtp().getPort(), "oncall@example.test")
                .property("alerthub.digest.cron", "0/2 * * * * ?")
                .property("alerthub.digest.timezone", "Europe/Berlin")
                .property("alerthub.digest.sinks", "email")
                .start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> smtp.getReceivedMessages().length >= 1);
            assertThat(hub.bean("leaderElection", LeaderElection.class).isLeader()).isTrue();
            assertThat(smtp.getReceivedMessages()[0].getSubject())
                    .isEqualTo("[DIGEST] alerthub, last 24h: 0 fired, 0 resolved, 0 still firing");
        } finally {
            smtp.stop();
        }
    }
}
