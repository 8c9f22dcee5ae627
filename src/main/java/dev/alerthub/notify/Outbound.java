package dev.alerthub.notify;

import dev.alerthub.store.DeadLetters;
import dev.alerthub.store.Deliveries;
import org.apache.camel.Exchange;

/** What every sink's send step does to the exchange before it leaves the hub. */
final class Outbound {
    /** Exchange property: true when the sink is configured and really sends; false means log only. */
    static final String LIVE = "sinkLive";
    /** Exchange property: where a live send goes (a URL or mail endpoint; may hold a secret, never logged). */
    static final String URL = "sinkUrl";

    private Outbound() {
    }

    /**
     * Nothing of the hub's routing headers may leak into an outbound HTTP request or mail, so the
     * message keeps only its body and Camel's redelivery bookkeeping (the error handler counts
     * attempts in a header; without it a failing send would be retried for ever).
     */
    static void clearHeaders(Exchange exchange) {
        exchange.getMessage().removeHeaders("*", "CamelRedelivery*");
    }

    /**
     * The rendered request and its target, read from exchange properties so that a redelivery of
     * the send step (which re-runs it on the already changed message) starts from the same input.
     */
    static String request(Exchange exchange) {
        return exchange.getProperty(DeadLetters.REQUEST, String.class);
    }

    static String target(Exchange exchange) {
        return exchange.getProperty(Deliveries.TARGET, "", String.class);
    }

    static void live(Exchange exchange, boolean live) {
        exchange.setProperty(LIVE, live);
    }
}
