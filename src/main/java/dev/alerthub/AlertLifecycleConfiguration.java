package dev.alerthub;

import dev.alerthub.config.Props;
import dev.alerthub.lifecycle.Acknowledge;
import dev.alerthub.lifecycle.AlertGroups;
import dev.alerthub.lifecycle.Outgoing;
import dev.alerthub.notify.Slack;
import dev.alerthub.store.AlertLifecycle;
import dev.alerthub.store.Database;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

import java.time.Clock;

/**
 * What happens to an alert after it was notified (docs/lifecycle.md): acknowledgements
 * ({@code acknowledge}, {@code alertGroups} for {@code group:<id>}), and the messages they send
 * ({@code outgoing}). Needs the {@code database} and {@code slack} HubConfiguration binds. The clock
 * is the bean bound as {@code clock} when there is one (tests), else UTC system time.
 */
public class AlertLifecycleConfiguration implements CamelConfiguration {
    @Override
    public void configure(CamelContext context) throws Exception {
        Props p = new Props(context.getPropertiesComponent());
        Registry registry = context.getRegistry();
        Clock clock = LifecycleConfiguration.clock(registry);
        AlertLifecycle lifecycle = new AlertLifecycle(registry.lookupByNameAndType("database", Database.class), clock);
        registry.bind("alertLifecycle", lifecycle);
        AlertGroups groups = registry.lookupByNameAndType("alertGroups", AlertGroups.class);
        if (groups == null) {
            groups = new AlertGroups();
            registry.bind("alertGroups", groups);
        }
        registry.bind("acknowledge", new Acknowledge(lifecycle, groups, registry.lookupByNameAndType("slack", Slack.class)));
        registry.bind("outgoing", new Outgoing.Properties());
    }
}
