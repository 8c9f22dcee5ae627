package dev.alerthub.notify;

import dev.alerthub.alert.Alert;
import dev.alerthub.store.DeadLetters;
import dev.alerthub.store.Deliveries;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * A send that failed, told in the words the log, the dead letters and the HTTP API use: the sink's
 * status and answer, or the error, never the URL (a Slack webhook URL is a secret). It reads the
 * HTTP client's exception here so that the store below only ever sees plain values.
 */
public class SendFailures {
    private static final int MAX_ERROR = 2000;

    private final DeadLetters deadLetters;

    public SendFailures(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    /** Called by the delivery policy ({@code sink-delivery}) when a delivery is given up on. */
    public void giveUp(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String request = exchange.getProperty(DeadLetters.REQUEST, String.class);
        if (request == null) {
            request = exchange.getMessage().getBody(String.class);
        }
        // the claim counts every try (a send the circuit or the rate limit held back is not one)
        int attempts = Math.max(1, exchange.getProperty(Deliveries.ATTEMPTS, 1, Integer.class));
        deadLetters.record(new DeadLetters.GivenUp(exchange.getProperty(Deliveries.DELIVERY_ID, Long.class),
                exchange.getProperty(Deliveries.SINK, "unknown", String.class),
                exchange.getProperty(Deliveries.TARGET, "", String.class),
                exchange.getProperty(Deliveries.ALERT, Alert.class),
                request == null ? "" : request, status(cause), describe(cause), attempts));
    }

    /** The sink's HTTP status, or null when it never answered. */
    static Integer status(Throwable cause) {
        return cause instanceof HttpOperationFailedException h ? h.getStatusCode()
                : cause instanceof SlackApiException ? Integer.valueOf(200) : null;
    }

    /** The failure in words, without the request URL. */
    public static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown failure";
        }
        String text;
        if (cause instanceof HttpOperationFailedException h) {
            String body = h.getResponseBody() == null ? "" : h.getResponseBody().strip();
            text = "HTTP " + h.getStatusCode() + (body.isEmpty() ? "" : ": " + body);
        } else if (cause instanceof SlackApiException s) {
            text = "HTTP 200 ok:false from Slack " + s.method() + ": " + s.error();
        } else {
            String msg = cause.getMessage() == null ? "" : cause.getMessage().replaceAll("https?://\\S+", "<url>");
            text = cause.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
        }
        return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) + "…" : text;
    }
}
