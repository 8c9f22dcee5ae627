package dev.alerthub.lifecycle;

import dev.alerthub.store.DeadLetters;
import dev.alerthub.store.Deliveries;
import org.apache.camel.Exchange;

import java.util.List;

/**
 * Sends the digest through the sinks' own send routes ({@code direct:email-send},
 * {@code direct:slack-send}), so it shares their settings, rate limits, retry policy and dead letters
 * (routes/lifecycle/digest-schedule.camel.yaml).
 */
public class DigestSender {
    /** Header: the window in hours (POST /api/digest/send?hours=); absent: alerthub.digest.hours. */
    public static final String HOURS = "digestHours";
    static final String DIGEST = "alerthub.digest";

    private final Digests digests;
    private final DigestMessages messages;
    private final int defaultHours;
    private final List<String> sinks;
    private final String emailTarget;
    private final String slackTarget;

    public DigestSender(Digests digests, DigestMessages messages, int defaultHours, List<String> sinks,
                        String emailTarget, String slackTarget) {
        this.digests = digests;
        this.messages = messages;
        this.defaultHours = defaultHours;
        this.sinks = List.copyOf(sinks);
        this.emailTarget = emailTarget == null ? "" : emailTarget;
        this.slackTarget = slackTarget == null ? "" : slackTarget;
    }

    /** Computes the figures once for every sink; they stay in an exchange property. */
    public Digest prepare(Exchange exchange) {
        Integer hours = exchange.getMessage().getHeader(HOURS, Integer.class);
        Digest d = digests.compute(hours == null ? defaultHours : hours);
        exchange.getMessage().removeHeaders("*");
        exchange.setProperty(DIGEST, d);
        return d;
    }

    public boolean sendsTo(String sink) {
        return sinks.contains(sink);
    }

    public List<String> sinks() {
        return sinks;
    }

    /** Sets what direct:email-send reads. */
    public void email(Exchange exchange) {
        outbound(exchange, "email", emailTarget, messages.email(exchange.getProperty(DIGEST, Digest.class)));
    }

    /** Sets what direct:slack-send reads. */
    public void slack(Exchange exchange) {
        outbound(exchange, "slack", slackTarget, messages.slack(exchange.getProperty(DIGEST, Digest.class)));
    }

    private static void outbound(Exchange exchange, String sink, String target, String request) {
        exchange.setProperty(Deliveries.SINK, sink);
        exchange.setProperty(Deliveries.TARGET, target);
        exchange.setProperty(DeadLetters.REQUEST, request);
    }
}
