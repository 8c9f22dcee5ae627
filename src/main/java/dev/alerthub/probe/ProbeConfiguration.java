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

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Wires scheduled probes: checks every probe file before Camel loads it (a misspelt or missing
 * parameter stops the start-up naming the file, the line and the parameter), sizes Quartz, and binds
 * the beans routes/probes/*.camel.yaml use. Runs after HubConfiguration (it needs the store and metrics).
 */
public class ProbeConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Props p = new Props(context.getPropertiesComponent());
        Registry registry = context.getRegistry();
        Path routesDir = Path.of(p.get("alerthub.routes-dir", "routes"));
        ProbeFileCheck.Environment env = ProbeFileCheck.Environment.of(context);
        List<ProbeSpec> declared = p.getBoolean(Props.ROUTES_LOADED, true)
                ? checkProbeFiles(routesDir, env) : List.of();

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
        List<ProbeSpec> disabledProbes = declared.stream().filter(s -> !s.enabled()).toList();
        registry.bind("probesApi", new ProbesApi(probes, states, board, disabledProbes));
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

        List<String> disabled = disabledProbes.stream().map(ProbeSpec::id).sorted().toList();
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
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                dataSources.close();
            }
        }, true, true);
    }

    /** Fails the start-up with every problem of every probe file, as file:line: message. */
    private static List<ProbeSpec> checkProbeFiles(Path routesDir, ProbeFileCheck.Environment env) {
        List<Path> files = ProbeFileCheck.routeFiles(routesDir);
        ProbeFileCheck check = ProbeFileCheck.forTemplates(files, env);
        List<ProbeFileCheck.Problem> problems = check.check(files);
        if (!problems.isEmpty()) {
            String list = problems.stream().map(pr -> "  " + relative(pr)).collect(Collectors.joining("\n"));
            throw new IllegalStateException("alerthub: invalid probe file(s):\n" + list);
        }
        return check.probes(files);
    }

    private static String relative(ProbeFileCheck.Problem pr) {
        Path cwd = Path.of("").toAbsolutePath();
        Path f = pr.file().toAbsolutePath().normalize();
        Path shown = f.startsWith(cwd) ? cwd.relativize(f) : f;
        return shown + ":" + pr.line() + ": " + pr.message();
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
