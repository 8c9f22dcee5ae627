package dev.alerthub.ops;

import dev.alerthub.config.Props;
import dev.alerthub.metrics.Metrics;
import dev.alerthub.ops.validate.ProbeRouteFileCheck;
import dev.alerthub.probe.DeclaredProbes;
import dev.alerthub.probe.ProbeGate;
import dev.alerthub.store.AlertStore;
import dev.alerthub.store.Database;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Collectors;

/**
 * Running the hub: safe route reload, health checks, the operational metrics, and leader election
 * for leader-only routes. Depends on the beans HubConfiguration binds (metrics, database).
 */
public class OperationsConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(OperationsConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Props p = new Props(context.getPropertiesComponent());
        Registry registry = context.getRegistry();
        Metrics metrics = registry.lookupByNameAndType("metrics", Metrics.class);
        Database db = registry.lookupByNameAndType("database", Database.class);

        healthAndMetrics(registry, p, metrics, db);
        context.getManagementStrategy().addEventNotifier(new WebhookTiming(metrics));
        JolokiaAccess.configure(context, p);

        // the business port answers 503 + Retry-After until the hub has started (never the 404 of a
        // route not registered yet)
        // (AlerthubMain binds the gate and the HTTP server factory: camel-main builds the server
        // before it runs configurations)
        ServingGate gate = registry.lookupByNameAndType(ServingGate.BEAN, ServingGate.class);
        if (gate == null) {
            gate = new ServingGate();
            registry.bind(ServingGate.BEAN, gate);
        }
        ServingGate opened = gate;
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // called for each route the supervising controller starts; open once all have
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) {
                opened.open();
            }
        });

        // reload: on by default, routes come from a local folder
        Path routesDir = Path.of(p.get("alerthub.routes-dir", "routes")).toAbsolutePath().normalize();
        if (p.getBoolean("alerthub.routes-reload", true)) {
            context.addService(new SafeRouteReload(routesDir, metrics), true, true);
        } else {
            LOG.info("Route reload: off (alerthub.routes-reload=false); route changes need a restart");
        }

        // validate and route reload run the probe checks on each file they look at; start-up on all
        ProbeRouteFileCheck probeCheck = new ProbeRouteFileCheck(routesDir, context.getPropertiesComponent());
        registry.bind("probeRouteFileCheck", probeCheck);
        if (p.getBoolean(Props.ROUTES_LOADED, true)) {
            registry.bind(DeclaredProbes.BEAN, checkProbeFiles(probeCheck));
        }

        LeaderElection election = LeaderElection.configure(context, p, defaultLockDir(p));
        if (election != null) {
            registry.bind("leaderElection", election);
            // several replicas: only the elected leader evaluates probes (their state is in the
            // store, so a new leader carries on with pending `for`s)
            if (registry.lookupByName(ProbeGate.BEAN) == null) {
                ProbeGate leaderOnly = election::isLeader; // a variable: bind(..., Supplier) would take the lambda
                registry.bind(ProbeGate.BEAN, ProbeGate.class, leaderOnly);
            }
            metrics.gauge("alerthub.cluster.leader", "1 on the replica that runs the leader-only routes, else 0",
                    () -> election.isLeader() ? 1 : 0);
        }
    }

    /** Next to an embedded store's files (each test hub has its own); ./data/cluster otherwise. */
    static String defaultLockDir(Props p) {
        String url = p.get("alerthub.store.url", "");
        if (url.startsWith("jdbc:h2:file:")) {
            String file = url.substring("jdbc:h2:file:".length()).split(";", 2)[0];
            Path parent = Path.of(file).toAbsolutePath().normalize().getParent();
            if (parent != null) {
                return parent.resolve("cluster").toString();
            }
        }
        return "data/cluster";
    }

    /** Health: readiness = store + routes (+ Camel's context check); metrics beyond what the store and sinks count. */
    private static void healthAndMetrics(Registry registry, Props p, Metrics metrics, Database db) {
        // Prometheus only as a detail
        registry.bind("storeHealthCheck", new StoreHealthCheck(db,
                registry.lookupByNameAndType("alertStore", AlertStore.class)));
        registry.bind("routesHealthCheck", new RoutesHealthCheck());
        registry.bind("prometheusHealthCheck", new PrometheusHealthCheck(p.get("alerthub.prometheus.url",
                "http://localhost:9090")));

        // metrics beyond what the store and sinks count themselves
        OutboxStats stats = new OutboxStats(db, Clock.systemUTC());
        registry.bind("outboxStats", stats);
        metrics.gauge("alerthub.outbox.oldest.age.seconds",
                "age of the oldest alert event or delivery not yet finished (0 when none)", stats::oldestAgeSeconds);
        for (String sink : p.get("alerthub.metrics.sinks", "pagerduty,slack,email").split(",")) {
            String s = sink.trim();
            metrics.gauge("alerthub.deliveries.pending", "deliveries stored but not yet accepted by the sink",
                    () -> stats.pending(s), "sink", s);
        }
    }

    /**
     * Fails the start-up with every problem of every probe file, as file:line: message (Camel would
     * ignore a misspelt parameter and name neither file nor line of a missing one); else the probes.
     */
    private static DeclaredProbes checkProbeFiles(ProbeRouteFileCheck check) {
        ProbeRouteFileCheck.Result result = check.checkAll();
        if (!result.problems().isEmpty()) {
            Path cwd = Path.of("").toAbsolutePath();
            String list = result.problems().stream().map(pr -> "  " + pr.format(cwd)).collect(Collectors.joining("\n"));
            throw new IllegalStateException("alerthub: invalid probe file(s):\n" + list);
        }
        return new DeclaredProbes(result.probes());
    }
}
