package dev.alerthub.store;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter: the n-th failure waits between half and all of
 * {@code initial * 2^(n-1)}, never more than {@code max}. The jitter keeps a recovered sink from
 * being hit by every waiting retry in the same instant.
 */
public record Backoff(Duration initial, Duration max) {
    public Duration after(int failures) {
        long base = initial.toMillis() << Math.min(Math.max(failures - 1, 0), 30);
        long capped = Math.min(Math.max(base, 0), max.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(capped - half + 1));
    }
}
