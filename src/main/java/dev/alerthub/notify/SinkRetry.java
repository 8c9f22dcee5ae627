package dev.alerthub.notify;

import dev.alerthub.metrics.Metrics;
import dev.alerthub.store.Deliveries;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The one place that decides how a failed send is retried. Used by the {@code sink-delivery}
 * routeConfiguration: {@link #isPermanent} keeps 4xx answers (other than 408/429) from being retried;
 * {@link #process} runs on every failure, honours {@code Retry-After} and logs without the URL.
 */
public class SinkRetry implements Processor {
    /** Exchange property: how many sends of this delivery have failed so far. */
    public static final String FAILURES = "alerthub.failures";
    private static final Logger LOG = LoggerFactory.getLogger(SinkRetry.class);

    private final long maxRetryAfterMillis;
    private final long maxBackoffMillis;
    private final Deliveries deliveries;
    private final Metrics metrics;

    public SinkRetry(Duration maxRetryAfter, Metrics metrics, Deliveries deliveries, long maxBackoffMillis) {
        this.maxRetryAfterMillis = maxRetryAfter.toMillis();
        this.deliveries = deliveries;
        this.maxBackoffMillis = maxBackoffMillis;
        this.metrics = metrics;
    }

    /** True when repeating the same request cannot succeed (PagerDuty 400 "invalid event", Slack 404...). */
    public boolean isPermanent(Exchange exchange) {
        Throwable t = failure(exchange);
        if (t instanceof HttpOperationFailedException h) {
            int s = h.getStatusCode();
            return s >= 400 && s < 500 && s != 408 && s != 429;
        }
        return false;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable t = failure(exchange);
        Long delay = t instanceof HttpOperationFailedException h ? retryAfterMillis(h) : null;
        if (delay != null) {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, delay);
        } else {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        }
        int attempt = exchange.getProperty(FAILURES, 0, Integer.class) + 1;
        metrics.count("alerthub.notifications", "sink", exchange.getProperty(Deliveries.SINK, "unknown", String.class),
                "outcome", "failed-attempt");
        exchange.setProperty(FAILURES, attempt);
        Integer max = exchange.getMessage().getHeader(Exchange.REDELIVERY_MAX_COUNTER, Integer.class);
        Long deliveryId = exchange.getProperty(Deliveries.DELIVERY_ID, Long.class);
        if (deliveryId != null) {
            deliveries.renew(deliveryId, delay != null ? delay : maxBackoffMillis);
        }
        LOG.warn("{} delivery {} attempt {}{} failed: {}{}", exchange.getProperty(Deliveries.SINK, "sink", String.class),
                exchange.getProperty(Deliveries.DELIVERY_ID, "(replay)", String.class), attempt,
                max == null ? "" : " of " + (max + 1), SendFailures.describe(t),
                delay == null ? "" : " (Retry-After: waiting " + delay + " ms)");
    }

    /** Retry-After in seconds or as an HTTP date, capped; null when absent or unreadable. */
    Long retryAfterMillis(HttpOperationFailedException h) {
        String value = header(h.getResponseHeaders(), "Retry-After");
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
