package dev.alerthub.admin;

import dev.alerthub.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The hub's own metrics, exported with Camel's on the management port at /observe/metrics.
 * Names are dotted here and come out in Prometheus form: {@code alerthub.alerts.received} becomes
 * {@code alerthub_alerts_received_total}. Every capability records through this one bean, as {@link Metrics}.
 */
public final class HubMetrics implements Metrics {
    private final MeterRegistry registry;

    public HubMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void count(String name, String... tags) {
        Counter.builder(name).tags(tags).register(registry).increment();
    }

    @Override
    public void time(String name, Duration duration, String... tags) {
        Timer.builder(name).tags(tags).publishPercentileHistogram().register(registry).record(duration);
    }

    @Override
    public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).description(description).tags(tags).strongReference(true).register(registry);
    }
}
