package dev.alerthub.lifecycle;

import dev.alerthub.alert.Alert;
import dev.alerthub.store.DeadLetters;
import dev.alerthub.store.Deliveries;
import org.apache.camel.Exchange;

/**
 * A message the lifecycle sends through a sink's normal durable delivery (deliveries table, retries,
 * dead letters): rendered now, recorded, then delivered by {@code deliver-<sink>}.
 *
 * @param kind {@code ack}, {@code reminder} or {@code escalation}
 */
public record Outgoing(String sink, String target, String kind, Alert alert, String request) {

    /** The bean routes call ({@code outgoing.prepare}). */
    public static final class Properties {
        public void prepare(Exchange exchange) {
            Outgoing.prepare(exchange);
        }
    }

    /**
     * Body: an Outgoing. Sets the properties {@code deliveries.enqueueRendered} records (bean
     * {@code outgoing} in routes/lifecycle/acknowledge.camel.yaml).
     */
    public static void prepare(Exchange exchange) {
        Outgoing o = exchange.getMessage().getBody(Outgoing.class);
        exchange.setProperty(Deliveries.SINK, o.sink());
        exchange.setProperty(Deliveries.TARGET, o.target());
        exchange.setProperty(Deliveries.ALERT, o.alert());
        exchange.setProperty(DeadLetters.REQUEST, o.request());
        exchange.setProperty(Deliveries.KIND, o.kind());
        exchange.setProperty(Deliveries.THREAD_KEY, o.alert().fingerprint());
        exchange.getMessage().setBody(o.request());
    }
}
