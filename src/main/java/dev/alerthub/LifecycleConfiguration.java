package dev.alerthub;

import dev.alerthub.admin.DigestApi;
import dev.alerthub.config.Props;
import dev.alerthub.lifecycle.DigestMessages;
import dev.alerthub.lifecycle.DigestSender;
import dev.alerthub.lifecycle.Digests;
import dev.alerthub.lifecycle.InhibitRules;
import dev.alerthub.lifecycle.TimeIntervals;
import dev.alerthub.lifecycle.TimeIntervalsFile;
import dev.alerthub.store.Database;
import dev.alerthub.store.DigestReads;
import dev.alerthub.store.Inhibitions;
import dev.alerthub.store.SilenceStore;
import dev.alerthub.metrics.Metrics;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

/**
 * The alert lifecycle's beans (docs/lifecycle.md): {@code timeIntervals} for routes and recurring
 * silences; {@code inhibitRules} and {@code inhibitions}; the digest ({@code digests}, {@code digestSender}, {@code digestApi}). Needs the
 * {@code database} HubConfiguration binds. The clock is the bean bound as {@code clock} when there
 * is one (tests), else UTC system time.
 */
public class LifecycleConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(LifecycleConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Props p = new Props(context.getPropertiesComponent());
        Registry registry = context.getRegistry();
        Clock clock = clock(registry);
        Path file = timeIntervalsFile(p);
        // validate builds the beans without routes and reports the file's problems itself
        TimeIntervals intervals = p.getBoolean(Props.ROUTES_LOADED, true) ? TimeIntervals.load(file, clock)
                : new TimeIntervals(TimeIntervalsFile.read(file).intervals(), file, clock);
        registry.bind("timeIntervals", intervals);
        SilenceStore silences = registry.lookupByNameAndType("silences", SilenceStore.class);
        silences.useWindows(intervals);
        // inhibition mutes like a silence: same record of mutes, released by the same sweep
        InhibitRules inhibitRules = InhibitRules.load(inhibitRulesFile(p));
        registry.bind("inhibitRules", inhibitRules);
        registry.bind("inhibitions", new Inhibitions(registry.lookupByNameAndType("database", Database.class),
                silences, registry.lookupByNameAndType("metrics", Metrics.class), inhibitRules));
        LOG.info("Time intervals: {} from {}", intervals.names().isEmpty() ? "none" : String.join(", ",
                intervals.names().stream().sorted().toList()), file);

        Digests digests = new Digests(new DigestReads(registry.lookupByNameAndType("database", Database.class)), clock);
        int hours = p.getInt("alerthub.digest.hours", 24);
        List<String> sinks = Arrays.stream(p.get("alerthub.digest.sinks", "email,slack").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String s : sinks) {
            if (!s.equals("email") && !s.equals("slack")) {
                throw new IllegalArgumentException("alerthub.digest.sinks: '" + s + "' is not email or slack");
            }
        }
        ZoneId zone = zone(p.get("alerthub.digest.timezone", "UTC"));
        DigestSender sender = new DigestSender(digests, new DigestMessages(zone), hours, sinks,
                p.get("alerthub.digest.email-target"), p.get("alerthub.digest.slack-target"));
        registry.bind("digests", digests);
        registry.bind("digestSender", sender);
        registry.bind("digestApi", new DigestApi(digests, sender, hours));
        LOG.info("Digest: {} in {} to {}", p.get("alerthub.digest.cron", "0 0 8 * * ?"), zone,
                sinks.isEmpty() ? "no sink (GET /api/digest only)" : String.join(" and ", sinks));
    }

    /** {@code alerthub.time-intervals.file}, default {@code <alerthub.config-dir>/time-intervals.yaml}. */
    public static Path timeIntervalsFile(Props p) {
        String configured = p.get("alerthub.time-intervals.file");
        return configured.isEmpty() ? Path.of(p.get("alerthub.config-dir", "config")).resolve("time-intervals.yaml")
                : Path.of(configured);
    }

    /** {@code alerthub.inhibit.rules-file}, default {@code <alerthub.config-dir>/inhibit-rules.yaml}. */
    public static Path inhibitRulesFile(Props p) {
        String configured = p.get("alerthub.inhibit.rules-file");
        return configured.isEmpty() ? Path.of(p.get("alerthub.config-dir", "config")).resolve("inhibit-rules.yaml")
                : Path.of(configured);
    }

    /** {@code alerthub.templates.dir}, default {@code <alerthub.config-dir>/templates}. */
    public static Path templatesDir(Props p) {
        String configured = p.get("alerthub.templates.dir");
        return configured.isEmpty() ? Path.of(p.get("alerthub.config-dir", "config")).resolve("templates")
                : Path.of(configured);
    }

    private static ZoneId zone(String name) {
        try {
            return ZoneId.of(name);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("alerthub.digest.timezone: '" + name
                    + "' is not a time zone (an IANA name such as Europe/Berlin, or UTC)");
        }
    }

    static Clock clock(Registry registry) {
        Clock c = registry.lookupByNameAndType("clock", Clock.class);
        return c != null ? c : Clock.systemUTC();
    }
}
