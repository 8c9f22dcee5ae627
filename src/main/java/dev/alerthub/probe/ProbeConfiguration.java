package dev.alerthub.probe;

import dev.alerthub.config.Props;
import dev.alerthub.metrics.Metrics;
import dev.alerthub.store.Database;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Wires scheduled probes: sizes Quartz and binds the beans routes/probes/*.camel.yaml use. Runs after
 * HubConfiguration (it needs the store and metrics) and OperationsConfiguration (whose start-up check
 * of the route files stops a bad probe file and hands over the declared probes).
 */
public class ProbeConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Props p = new Props(context.getPropertiesComponent());
        Registry registry = context.getRegistry();
        // the probe files were checked, and their probes read, by the route-file checker at start-up
        // (OperationsConfiguration: the checker sits above the probes)
        DeclaredProbes declared = registry.lookupByNameAndType(DeclaredProbes.BEAN, DeclaredProbes.class);
        List<ProbeSpec> disabledProbes = declared == null ? List.of() : declared.disabled();

        Duration timeout = p.getDuration("alerthub.probes.timeout", Duration.ofSeconds(10));
        configureQuartz(context, p);

        Metrics metrics = registry.lookupByNameAndType("metrics", Metrics.class);
        Database db = registry.lookupByNameAndType("database", Database.class);
        if (metrics == null || db == null) {
            throw new IllegalStateException("ProbeConfiguration needs the hub's 'metrics' and 'database' beans: "
                    + "register it after HubConfiguration");
        }
        Clock clock = Clock.systemUTC();
        ProbeDataSources dataSources = new ProbeDataSources(p::find, registry, timeout);
        ProbeRegistry probes = new ProbeRegistry(context, dataSources);
        ((ModelCamelContext) context).addModelLifecycleStrategy(probes);

        ProbeStates states = new ProbeStates(db, clock);
        ProbeStatusBoard board = new ProbeStatusBoard();
        ProbeDispatcher dispatcher = new ProbeDispatcher(probes, registry, metrics, clock);
        String prometheus = p.get("alerthub.prometheus.url", "http://localhost:9090").replaceAll("/+$", "");
        String graph = p.get("alerthub.probes.link-url", prometheus).replaceAll("/+$", "");

        if (registry.lookupByName(ProbeGate.BEAN) == null) {
            // no election configured (OperationsConfiguration binds the leader's gate when there is
            // one): this hub always evaluates
            registry.bind(ProbeGate.BEAN, ProbeGate.class, ProbeGate.ALWAYS_OPEN);
        }
        registry.bind("probeRegistry", probes);
        registry.bind("probeRetirement", new ProbeRetirement(probes, states,
                registry.lookupByNameAndType(ProbeGate.BEAN, ProbeGate.class), clock));
        registry.bind("probeStates", states);
        registry.bind("probeDispatcher", dispatcher);
        registry.bind("probeEvaluator", new ProbeEvaluator(states, board, dispatcher, graph));
        registry.bind("probeQuery", new PrometheusQuery(timeout, prometheus));
        registry.bind("probeSql", new SqlQuery(timeout));
        registry.bind("probesApi", new ProbesApi(probes, states, board, disabledProbes));
        observe(context, metrics, probes, states, board, disabledProbes.stream().map(ProbeSpec::id).sorted().toList());
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                dataSources.close();
            }
        }, true, true);
    }

    /** Health check, gauges and the start-up summary of the probes. */
    private static void observe(CamelContext context, Metrics metrics, ProbeRegistry probes, ProbeStates states,
                                ProbeStatusBoard board, List<String> disabled) throws Exception {
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(new ProbeHealthCheck(probes, board));
        }
        metrics.gauge("alerthub.probes.failing", "probes whose query fails (each has a ProbeFailing alert)",
                () -> board.failing().size());
        metrics.gauge("alerthub.probe.instances", "probe alert instances waiting out their 'for'",
                () -> states.count(InstanceState.State.PENDING), "state", "pending");
        metrics.gauge("alerthub.probe.instances", "probe alert instances firing",
                () -> states.count(InstanceState.State.FIRING), "state", "firing");
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // each route the supervising controller starts calls this; the summary waits for all
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) {
                logProbes(probes, disabled);
            }
        });
    }

    /**
     * Quartz only fires and hands off (probe-dispatch), so a few threads serve thousands of probes;
     * batching lets its scheduler thread take every trigger due at the same instant in one go.
     */
    private static void configureQuartz(CamelContext context, Props p) {
        QuartzComponent quartz = context.getComponent("quartz", QuartzComponent.class);
        if (quartz.getProperties() != null || quartz.getPropertiesFile() != null || quartz.getPropertiesRef() != null) {
            return;
        }
        String threads = String.valueOf(p.getInt("alerthub.probes.scheduler-threads", 4));
        Properties q = new Properties();
        q.setProperty("org.quartz.scheduler.instanceName", "alerthub");
        q.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        q.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", threads);
        q.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        q.setProperty("org.quartz.threadPool.threadCount", threads);
        q.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        q.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        q.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        quartz.setProperties(q);
    }

    /** One line per live probe (up to 50), then the summary with the disabled ones by name. */
    private static void logProbes(ProbeRegistry probes, List<String> disabled) {
        List<ProbeSpec> live = probes.all();
        for (ProbeSpec s : live) {
            String line = "Probe {}: live, {} {}, {} {}{}";
            Object[] args = {s.id(), ProbeDispatcher.kind(s), s.schedule().describe(), s.alertname(), s.condition(),
                    s.action() == null ? "" : ", action " + s.action()};
            if (live.size() <= 50) {
                LOG.info(line, args);
            } else {
                LOG.debug(line, args);
            }
        }
        LOG.info("Probes: {} live, {} disabled{}", live.size(), disabled.size(),
                disabled.isEmpty() ? "" : " (" + String.join(", ", disabled) + "; docs/probes.md)");
    }
}
