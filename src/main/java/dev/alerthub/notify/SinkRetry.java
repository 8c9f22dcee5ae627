package dev.alerthub.notify;

import dev.alerthub.metrics.Metrics;
import dev.alerthub.store.Backoff;
import dev.alerthub.store.Deliveries;
import dev.alerthub.store.NotificationHistory;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The one place that decides what happens to a failed send, used by the {@code sink-delivery}
 * routeConfiguration. Retries are a time budget, not a count: a 429, 5xx or network error goes back
 * to the store with a due time (capped exponential backoff with jitter, or the sink's
 * {@code Retry-After} when longer) until {@code give-up-after} has passed since the first failure;
 * only then is it a dead letter. A 4xx that repeating cannot fix is a dead letter at once. No thread
 * waits for a retry: the recovery poller hands the delivery back to its sink when it is due.
 */
public class SinkRetry {
    private static final Logger LOG = LoggerFactory.getLogger(SinkRetry.class);

    private final long maxRetryAfterMillis;
    private final Backoff backoff;
    private final Duration giveUpAfter;
    private final Clock clock;
    private final Deliveries deliveries;
    private final SendFailures sendFailures;
    private final DeliveryGate gate;
    private final Metrics metrics;
    private NotificationHistory history;

    /** Records each failed attempt and what was decided (GET /api/notifications). */
    public SinkRetry history(NotificationHistory history) {
        this.history = history;
        return this;
    }

    public SinkRetry(Clock clock, Backoff backoff, Duration giveUpAfter, Duration maxRetryAfter, DeliveryGate gate,
                     Deliveries deliveries, SendFailures sendFailures, Metrics metrics) {
        this.clock = clock;
        this.backoff = backoff;
        this.giveUpAfter = giveUpAfter;
        this.maxRetryAfterMillis = maxRetryAfter.toMillis();
        this.gate = gate;
        this.deliveries = deliveries;
        this.sendFailures = sendFailures;
        this.metrics = metrics;
    }

    /** True when repeating the same request cannot succeed (PagerDuty 400 "invalid event", Slack 404...). */
    public static boolean isPermanent(Throwable t) {
        if (t instanceof HttpOperationFailedException h) {
            int s = h.getStatusCode();
            return s >= 400 && s < 500 && s != 408 && s != 429;
        }
        if (t instanceof SlackApiException s) {
            return !s.isTransient();
        }
        return false;
    }

    /** A failure worth retrying, that counts against the target's circuit. */
    public static boolean isTransient(Throwable t) {
        return !isPermanent(t) && !(t instanceof DeliveryGate.NotNow);
    }

    /** The delivery (exchange properties from {@code deliveries.claim}) failed, or was not admitted. */
    public void failed(Exchange exchange) {
        Throwable t = failure(exchange);
        String sink = exchange.getProperty(Deliveries.SINK, "sink", String.class);
        if (t instanceof DeliveryGate.NotNow notNow) {
            deliveries.retryAt(exchange, notNow.until(), false);
            LOG.debug("{} delivery {} waits until {}: {}", sink, exchange.getProperty(Deliveries.DELIVERY_ID),
                    notNow.until(), notNow.getMessage());
            return;
        }
        // the bot token (Slack Web API mode) must not stay on an exchange that is logged or kept
        exchange.getMessage().removeHeader("Authorization");
        Long retryAfter = t instanceof HttpOperationFailedException h ? retryAfterMillis(h)
                : t instanceof SlackApiException s ? retryAfterMillis(s.retryAfter()) : null;
        gate.failed(exchange, t, retryAfter == null ? null : Duration.ofMillis(retryAfter));
        metrics.count("alerthub.notifications", "sink", sink, "outcome", "failed-attempt");
        int attempt = exchange.getProperty(Deliveries.ATTEMPTS, 1, Integer.class);
        Instant now = clock.instant();
        Instant first = exchange.getProperty(Deliveries.FIRST_FAILED, now, Instant.class);
        if (isPermanent(t) || !now.isBefore(first.plus(giveUpAfter))) {
            attempt(exchange, isPermanent(t) ? NotificationHistory.Outcome.FAILED : NotificationHistory.Outcome.DEAD_LETTER, t);
            sendFailures.giveUp(exchange);
            return;
        }
        long wait = Math.max(backoff.after(attempt).toMillis(), retryAfter == null ? 0 : retryAfter);
        attempt(exchange, NotificationHistory.Outcome.RETRY, t);
        deliveries.retryAt(exchange, now.plusMillis(wait), true);
        LOG.warn("{} delivery {} attempt {} failed: {}; retrying in {} ms{} (gives up {} after the first failure)",
                sink, exchange.getProperty(Deliveries.DELIVERY_ID), attempt, SendFailures.describe(t), wait,
                retryAfter == null ? "" : " (Retry-After)", giveUpAfter);
    }

    private void attempt(Exchange exchange, NotificationHistory.Outcome outcome, Throwable t) {
        // a send outside the deliveries queue (a digest) has no delivery to list
        if (history != null && exchange.getProperty(Deliveries.DELIVERY_ID) != null) {
            history.record(exchange, outcome, SendFailures.status(t), SendFailures.describe(t));
        }
    }

    /** Retry-After in seconds or as an HTTP date, capped; null when absent or unreadable. */
    Long retryAfterMillis(HttpOperationFailedException h) {
        return retryAfterMillis(header(h.getResponseHeaders(), "Retry-After"));
    }

    Long retryAfterMillis(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        long millis;
        try {
            millis = Math.round(Double.parseDouble(value.trim()) * 1000);
        } catch (NumberFormatException e) {
            try {
                millis = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)).toMillis();
            } catch (DateTimeParseException ex) {
                return null;
            }
        }
        return Math.max(0, Math.min(millis, maxRetryAfterMillis));
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static Throwable failure(Exchange exchange) {
        Throwable t = exchange.getException();
        return t != null ? t : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }
}
