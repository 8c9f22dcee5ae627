package dev.alerthub;

import dev.alerthub.lifecycle.TimeIntervals;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;

/**
 * The alert lifecycle's beans (docs/lifecycle.md): {@code timeIntervals} for routes and recurring
 * silences. Its clock is the bean bound as {@code clock} when there is one (tests), else UTC system time.
 */
public class LifecycleConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(LifecycleConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Props p = new Props(context.getPropertiesComponent());
        Registry registry = context.getRegistry();
        Clock clock = clock(registry);
        Path file = timeIntervalsFile(p);
        TimeIntervals intervals = TimeIntervals.load(file, clock);
        registry.bind("timeIntervals", intervals);
        LOG.info("Time intervals: {} from {}", intervals.names().isEmpty() ? "none" : String.join(", ",
                intervals.names().stream().sorted().toList()), file);
    }

    /** {@code alerthub.time-intervals.file}, default {@code <alerthub.config-dir>/time-intervals.yaml}. */
    public static Path timeIntervalsFile(Props p) {
        String configured = p.get("alerthub.time-intervals.file");
        return configured.isEmpty() ? Path.of(p.get("alerthub.config-dir", "config")).resolve("time-intervals.yaml")
                : Path.of(configured);
    }

    static Clock clock(Registry registry) {
        Clock c = registry.lookupByNameAndType("clock", Clock.class);
        return c != null ? c : Clock.systemUTC();
    }
}
