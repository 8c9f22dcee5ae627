package dev.alerthub.metrics;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * What the store and the capabilities record: counts, timings and values read at scrape time. The
 * Micrometer implementation ({@code admin.HubMetrics}) sits above them, so recording a number never
 * makes a lower layer depend on the HTTP edge.
 */
public interface Metrics {
    /** Records nothing: for tests and tools that build a bean without the hub. */
    Metrics NONE = new Metrics() {
        @Override
        public void count(String name, String... tags) {
        }

        @Override
        public void time(String name, Duration duration, String... tags) {
        }

        @Override
        public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        }
    };

    /** One more of {@code name}: dotted, e.g. {@code alerthub.alerts.received}; tags as key, value, .... */
    void count(String name, String... tags);

    void time(String name, Duration duration, String... tags);

    /** A value read at scrape time (queue depth, open dead letters). */
    void gauge(String name, String description, Supplier<Number> value, String... tags);
}
