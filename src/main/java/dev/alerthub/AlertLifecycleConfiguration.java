package dev.alerthub;

import dev.alerthub.config.Props;
import dev.alerthub.lifecycle.Acknowledge;
import dev.alerthub.lifecycle.AlertGroups;
import dev.alerthub.lifecycle.Outgoing;
import dev.alerthub.config.Durations;
import dev.alerthub.lifecycle.LifecycleSweep;
import dev.alerthub.notify.Email;
import dev.alerthub.notify.PagerDuty;
import dev.alerthub.notify.Slack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Duration;
import dev.alerthub.store.AlertLifecycle;
import dev.alerthub.store.Database;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

import java.time.Clock;

/**
 * What happens to an alert after it was notified (docs/lifecycle.md): acknowledgements
 * ({@code acknowledge}; {@code group:<id>} through the store's {@code alertGroups}), escalation and reminders
 * ({@code lifecycleSweep}), and the messages they send ({@code outgoing}). Needs the {@code database} and {@code slack} HubConfiguration binds. The clock
 * is the bean bound as {@code clock} when there is one (tests), else UTC system time.
 */
public class AlertLifecycleConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(AlertLifecycleConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Props p = new Props(context.getPropertiesComponent());
        Registry registry = context.getRegistry();
        Clock clock = LifecycleConfiguration.clock(registry);
        AlertLifecycle lifecycle = new AlertLifecycle(registry.lookupByNameAndType("database", Database.class), clock);
        registry.bind("alertLifecycle", lifecycle);
        // group:<id> acknowledges the firing alerts of the store's group (bound as alertGroups by HubConfiguration)
        AlertGroups groups = new AlertGroups(registry.findSingleByType(dev.alerthub.store.AlertGroups.class));
        registry.bind("acknowledge", new Acknowledge(lifecycle, groups, registry.lookupByNameAndType("slack", Slack.class)));
        registry.bind("outgoing", new Outgoing.Properties());

        Duration escalateAfter = optionalDuration(p, "alerthub.escalation.after", Duration.ofMinutes(15));
        Duration repeat = optionalDuration(p, "alerthub.repeat-interval", Duration.ofHours(4));
        registry.bind("lifecycleSweep", new LifecycleSweep(lifecycle, registry.lookupByNameAndType("pagerDuty",
                PagerDuty.class), registry.lookupByNameAndType("slack", Slack.class),
                registry.lookupByNameAndType("email", Email.class), clock, escalateAfter, repeat));
        LOG.info("Escalation: {}; reminders: {} (docs/lifecycle.md)", escalateAfter == null ? "off"
                : "warnings not acknowledged after " + Durations.format(escalateAfter) + " are paged",
                repeat == null ? "off" : "every " + Durations.format(repeat));
    }

    /** The duration, the default when the property is absent, null (off) when it is set but empty. */
    private static Duration optionalDuration(Props p, String key, Duration fallback) {
        java.util.Optional<String> v = p.find(key);
        if (v.isPresent() && v.get().isEmpty()) {
            return null;
        }
        Duration d = p.getDuration(key, fallback);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + ": must be longer than 0 (leave it empty to switch it off)");
        }
        return d;
    }
}
