package dev.alerthub.admin;

import dev.alerthub.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The hub's own metrics, exported with Camel's on the management port at /observe/metrics.
 * Names are dotted here and come out in Prometheus form: {@code alerthub.alerts.received} becomes
 * {@code alerthub_alerts_received_total}. Every capability records through this one bean, as {@link Metrics}.
 */
public final class HubMetrics implements Metrics {
    private final MeterRegistry registry;
    // a counter per name and tags, looked up once: building and registering one per call sorted its
    // tags and hashed its id on every received alert (a JFR profile of the intake showed it)
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

    private static List<String> key(String name, String[] tags) {
        List<String> key = new ArrayList<>(tags.length + 1);
        key.add(name);
        key.addAll(Arrays.asList(tags));
        return key;
    }

    public HubMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void count(String name, String... tags) {
        Counter counter = counters.get(key(name, tags));
        if (counter == null) {
            counter = counters.computeIfAbsent(key(name, tags), k -> Counter.builder(name).tags(tags).register(registry));
        }
        counter.increment();
    }

    @Override
    public void time(String name, Duration duration, String... tags) {
        Timer timer = timers.get(key(name, tags));
        if (timer == null) {
            timer = timers.computeIfAbsent(key(name, tags),
                    k -> Timer.builder(name).tags(tags).publishPercentileHistogram().register(registry));
        }
        timer.record(duration);
    }

    @Override
    public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).description(description).tags(tags).strongReference(true).register(registry);
    }
}
