package dev.alerthub.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * The three sinks a flow test hears from: PagerDuty and Slack stubs that check the request shapes
 * (SinkStubs) and a GreenMail SMTP server, all on 127.0.0.1 free ports, wired into a hub and stopped
 * together.
 */
public final class AllSinks implements AutoCloseable {
    public final HttpStub pagerDuty = SinkStubs.pagerDuty();
    public final HttpStub slack = SinkStubs.slack();
    public final GreenMail smtp = new GreenMail(new ServerSetup(Ports.free(), "127.0.0.1", "smtp"));

    public AllSinks() {
        smtp.start();
    }

    /** A hub builder sending to these sinks, mail to {@code mailTo}. */
    public TestHub.Builder hub(String mailTo) {
        return TestHub.builder().pagerDuty(pagerDuty).slack(slack).smtp(smtp.getSmtp().getPort(), mailTo);
    }

    /** Forgets what the sinks received (between tests). */
    public void clear() throws Exception {
        pagerDuty.clear();
        slack.clear();
        smtp.purgeEmailFromAllMailboxes();
    }

    @Override
    public void close() {
        smtp.stop();
        pagerDuty.close();
        slack.close();
    }
}
