package dev.alerthub.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spacing of sends per sink and target: at most one send per interval (Slack about 1/s per
 * webhook, PagerDuty 120 events/min per routing key), and none before a {@code Retry-After} the
 * target asked for. resilience4j's RateLimiter counts permits per fixed cycle, so two sends could
 * land a millisecond apart across a cycle boundary; Slack counts per second as it sees them, hence
 * a spacing (a token bucket of one) here.
 */
final class SinkPacing {
    private final Map<String, Instant> next = new ConcurrentHashMap<>();

    /**
     * Reserves the next slot for {@code key} when it is at most {@code maxWait} away and returns the
     * wait until it (zero: send now); a longer wait is returned without reserving anything.
     */
    Duration reserve(String key, Duration interval, Instant now, Duration maxWait) {
        Duration[] wait = new Duration[1];
        next.compute(key, (k, slot) -> {
            Instant at = slot == null || slot.isBefore(now) ? now : slot;
            wait[0] = Duration.between(now, at);
            return wait[0].compareTo(maxWait) > 0 ? slot : at.plus(interval);
        });
        return wait[0];
    }

    /** Nothing goes to {@code key} before {@code until} (a 429's Retry-After). */
    void pauseUntil(String key, Instant until) {
        next.merge(key, until, (a, b) -> a.isAfter(b) ? a : b);
    }
}
