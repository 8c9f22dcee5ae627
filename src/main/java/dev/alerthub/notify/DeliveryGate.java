package dev.alerthub.notify;

import dev.alerthub.store.Deliveries;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What lets a send leave the hub, per sink and target: a circuit breaker (resilience4j) that stops
 * sending to a target that keeps failing and probes it (half-open) after a while, and the target's
 * pacing (rate limit, Retry-After). A delivery that may not go now is handed back to the store with
 * a due time ({@link NotNow}), so no thread waits for a down or busy sink; only a pacing wait of at
 * most {@code maxWait} (about a second) is waited out in place.
 */
public class DeliveryGate {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryGate.class);
    private static final String ADMITTED = "alerthub.admitted";

    /** This delivery may not be sent before {@code until}; it was not tried. */
    public static final class NotNow extends RuntimeException {
        private final transient Instant until;

        NotNow(String why, Instant until) {
            super(why, null, false, false);
            this.until = until;
        }

        public Instant until() {
            return until;
        }
    }

    private final Clock clock;
    private final CircuitBreakerRegistry breakers;
    private final Duration openFor;
    private final Map<String, Duration> intervals;
    private final Duration maxWait;
    private final SinkPacing pacing = new SinkPacing();
    private final Map<String, Instant> openedAt = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> inFlight = new ConcurrentHashMap<>();

    /**
     * @param intervals  per sink, the least time between two sends to one target (absent: none)
     * @param transient_ which failures count against a target's circuit (429, 5xx, network errors)
     */
    public DeliveryGate(Clock clock, Duration openFor, int minimumCalls, Map<String, Duration> intervals,
                        Duration maxWait, Predicate<Throwable> transient_) {
        this.clock = clock;
        this.openFor = openFor;
        this.intervals = Map.copyOf(intervals);
        this.maxWait = maxWait;
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(Math.max(minimumCalls, 10))
                .minimumNumberOfCalls(minimumCalls)
                .failureRateThreshold(50)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(transient_::test)
                .build());
        breakers.getEventPublisher().onEntryAdded(e -> watch(e.getAddedEntry()));
    }

    /**
     * Before a live send (properties sink, target, deliveryId): waits out a short pacing gap, or
     * throws {@link NotNow} when the target's circuit is open or its next slot is further away. A
     * replay (no deliveryId) is a person's explicit request: it skips the circuit and waits its turn.
     */
    public void admit(Exchange exchange) throws InterruptedException {
        String sink = exchange.getProperty(Deliveries.SINK, "unknown", String.class);
        String key = key(exchange);
        boolean queued = exchange.getProperty(Deliveries.DELIVERY_ID) != null;
        CircuitBreaker breaker = breaker(key);
        if (queued && !breaker.tryAcquirePermission()) {
            Instant opened = openedAt.getOrDefault(key, clock.instant());
            Instant probe = opened.plus(openFor);
            Instant now = clock.instant();
            throw new NotNow(sink + " circuit open", probe.isAfter(now) ? probe : now.plusSeconds(1));
        }
        Duration interval = intervals.getOrDefault(sink, Duration.ZERO);
        if (!interval.isZero()) {
            oneAtATime(exchange, key, interval, queued, breaker);
        }
        Instant now = clock.instant();
        Duration wait = pacing.reserve(key, interval, now, queued ? maxWait : Duration.ofMinutes(5));
        if (wait.compareTo(maxWait) > 0 && queued) {
            breaker.releasePermission();
            throw new NotNow(sink + " rate limit", now.plus(wait));
        }
        if (!wait.isZero()) {
            // a pacing gap of at most maxWait: cheaper than a trip through the store and the poller
            TimeUnit.MILLISECONDS.sleep(wait.toMillis());
        }
        exchange.setProperty(ADMITTED, clock.millis());
    }

    /**
     * A rate-limited target gets one send at a time, and the next one not before an interval after
     * this one ended: spacing by start times alone let sends that queued behind a slow connection
     * arrive together.
     */
    private void oneAtATime(Exchange exchange, String key, Duration interval, boolean queued, CircuitBreaker breaker)
            throws InterruptedException {
        Semaphore slot = inFlight.computeIfAbsent(key, k -> new Semaphore(1, true));
        if (!slot.tryAcquire(queued ? maxWait.toMillis() : Duration.ofMinutes(5).toMillis(), TimeUnit.MILLISECONDS)) {
            breaker.releasePermission();
            throw new NotNow(key + " busy", clock.instant().plus(interval));
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                pacing.pauseUntil(key, clock.instant().plus(interval));
                slot.release();
            }
        });
    }

    /** The sink accepted a send. */
    public void accepted(Exchange exchange) {
        Long since = exchange.getProperty(ADMITTED, Long.class);
        if (since != null && exchange.getProperty(Deliveries.DELIVERY_ID) != null) {
            breaker(key(exchange)).onSuccess(clock.millis() - since, TimeUnit.MILLISECONDS);
        }
    }

    /** A send failed: counts against the circuit when it is a transient failure; honours Retry-After. */
    void failed(Exchange exchange, Throwable failure, Duration retryAfter) {
        String key = key(exchange);
        Long since = exchange.getProperty(ADMITTED, Long.class);
        if (since != null) {
            breaker(key).onError(clock.millis() - since, TimeUnit.MILLISECONDS, failure);
        }
        if (retryAfter != null) {
            pacing.pauseUntil(key, clock.instant().plus(retryAfter));
        }
    }

    /** For health details and tests: CLOSED, OPEN, HALF_OPEN. */
    public String state(String sink, String target) {
        return breaker(sink + "|" + target).getState().name();
    }

    private CircuitBreaker breaker(String key) {
        return breakers.circuitBreaker(key);
    }

    private void watch(CircuitBreaker cb) {
        String name = cb.getName().endsWith("|") ? cb.getName().replace("|", " (default target)")
                : cb.getName().replace("|", " target ");
        cb.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAt.put(cb.getName(), clock.instant());
                LOG.warn("{}: circuit open after repeated failures; probing again in {} s (deliveries wait in the "
                        + "store meanwhile)", name, openFor.toSeconds());
            } else {
                LOG.info("{}: circuit {}", name, e.getStateTransition().getToState());
            }
        });
    }

    private static String key(Exchange exchange) {
        return exchange.getProperty(Deliveries.SINK, "unknown", String.class) + "|"
                + exchange.getProperty(Deliveries.TARGET, "", String.class);
    }
}
