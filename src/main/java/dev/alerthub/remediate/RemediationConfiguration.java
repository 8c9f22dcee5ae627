package dev.alerthub.remediate;

import dev.alerthub.config.Durations;
import dev.alerthub.kube.Kubernetes;
import dev.alerthub.config.Props;
import dev.alerthub.metrics.Metrics;
import dev.alerthub.diagnose.Diagnosis;
import dev.alerthub.store.AlertStore;
import dev.alerthub.store.Database;
import dev.alerthub.store.LeaseOwner;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.ObjectName;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Remediation and diagnosis beans, under the names routes/remediate, routes/api/remediation and the
 * sink routes use. Needs HubConfiguration's database, alertStore and metrics.
 */
public class RemediationConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(RemediationConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Props p = new Props(context.getPropertiesComponent());
        Registry registry = context.getRegistry();
        Clock clock = Clock.systemUTC();
        Database db = registry.lookupByNameAndType("database", Database.class);
        AlertStore alertStore = registry.lookupByNameAndType("alertStore", AlertStore.class);
        Metrics metrics = registry.lookupByNameAndType("metrics", Metrics.class);
        RemediationSettings settings = RemediationSettings.from(p);

        Kubernetes kubernetes = Kubernetes.connect(p.get("alerthub.kubernetes.master-url"),
                p.getDuration("alerthub.kubernetes.connect-timeout", Duration.ofSeconds(5)),
                p.getDuration("alerthub.kubernetes.request-timeout", Duration.ofSeconds(10)));
        registry.bind("kubernetes", kubernetes);
        if (kubernetes.isConfigured()) {
            registry.bind("kubernetesClient", kubernetes.client());
        }

        RemediationQueue queue = queue(registry, db, clock, settings);
        RemediationDecisions decisions = new RemediationDecisions(db, clock);
        RemediationHolds holds = new RemediationHolds(db, clock);
        RemediationAudit audit = new RemediationAudit(db, clock);
        RemediationControl control = new RemediationControl(holds, settings.dryRun());
        registry.bind("remediation", new Remediation(queue, decisions, holds, settings, kubernetes, metrics));
        registry.bind("rolloutUndo", new RolloutUndo(kubernetes));
        registry.bind("rolloutRestart", new RolloutRestart(kubernetes, clock));
        registry.bind("scaleDeployment", new ScaleDeployment(kubernetes));
        registry.bind("remediationVerifier", new RemediationVerifier(decisions, holds, audit, alertStore, kubernetes, settings, metrics, clock));
        registry.bind("remediationMessages", new RemediationMessages(audit, settings.slackTarget()));
        registry.bind("remediationApi", new RemediationApi(audit, holds, control, settings));
        registry.bind("remediationControl", control);
        ObjectName mbean = control.register();
        metrics.gauge("alerthub.remediation.paused", "1 while remediation is paused (kill switch)",
                () -> holds.control().paused() ? 1 : 0);
        metrics.gauge("alerthub.remediation.holds", "Deployments held after a remediation that did not help",
                holds::holdCount);

        ThreadPoolProfile profile = new ThreadPoolProfile("alerthub-diagnosis");
        profile.setPoolSize(2);
        profile.setMaxPoolSize(4);
        profile.setMaxQueueSize(16);
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        ExecutorService pool = context.getExecutorServiceManager().newThreadPool(this, "alerthub-diagnosis", profile);
        registry.bind("diagnosis", new Diagnosis(kubernetes.clientOrNull(), pool,
                p.getDuration("alerthub.diagnosis.timeout", Duration.ofSeconds(2)),
                readable(p.get("alerthub.diagnosis.namespaces"), settings.namespaces()),
                p.getInt("alerthub.diagnosis.history", 5), p.getInt("alerthub.diagnosis.max-pods", 10), clock));

        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                control.unregister(mbean);
                kubernetes.close();
            }
        }, true, true);
        logState(settings, control, kubernetes);
    }

    /**
     * The requests' work queue under this hub's lease owner; what its previous incarnation held is
     * taken back at once, as the outbox and deliveries do (docs/architecture.md, "One leased work queue").
     */
    private static RemediationQueue queue(Registry registry, Database db, Clock clock, RemediationSettings settings) {
        LeaseOwner owner = registry.lookupByNameAndType("leaseOwner", LeaseOwner.class);
        RemediationQueue queue = new RemediationQueue(db, clock, owner.id(), settings.lease(), settings.recoveryAge());
        if (owner.takesOverPrevious()) {
            int released = queue.releaseOwnLeases();
            if (released > 0) {
                LOG.info("Took back {} remediation request(s) this hub ({}) held before it stopped", released, owner.id());
            }
        }
        return queue;
    }

    /** alerthub.diagnosis.namespaces: "*" = any namespace; empty = the remediation allowlist. */
    static Predicate<String> readable(String configured, Set<String> remediation) {
        if (configured.trim().equals("*")) {
            return ns -> true;
        }
        Set<String> allowed = configured.isBlank() ? remediation : Arrays.stream(configured.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        return allowed::contains;
    }

    /** One start-up line per action: live, dry-run, paused or disabled, and why. */
    private static void logState(RemediationSettings s, RemediationControl control, Kubernetes kubernetes) {
        String state;
        if (!kubernetes.isConfigured()) {
            state = "disabled (no Kubernetes API: alerthub.kubernetes.master-url not set, not in a cluster, no"
                    + " kubeconfig) - audited as failed:kubernetes-not-configured";
        } else {
            String mode = control.isPaused() ? "PAUSED" : control.isDryRun() ? "dry-run" : "live";
            state = s.namespaces().isEmpty()
                    ? mode + " but no namespace allowed (alerthub.remediation.namespaces) - every request is skipped;"
                    + " Kubernetes API " + kubernetes.where()
                    : mode + " in namespaces " + s.namespaces().stream().sorted().toList() + " (cooldown "
                    + Durations.format(s.cooldown()) + ", at most " + s.maxPerHour() + " per hour); Kubernetes API "
                    + kubernetes.where();
        }
        for (String action : new String[] {"rollback", "restart", "scale"}) {
            LOG.info("Action {}: {}", action, state);
        }
    }
}
