package dev.alerthub;

import dev.alerthub.admin.AlertsApi;
import dev.alerthub.admin.ApiGuard;
import dev.alerthub.config.Props;
import dev.alerthub.admin.HttpResponses;
import dev.alerthub.admin.HubMetrics;
import dev.alerthub.intake.AlertmanagerIntake;
import dev.alerthub.intake.IntakeLimits;
import dev.alerthub.intake.WebhookGuard;
import dev.alerthub.notify.Email;
import dev.alerthub.notify.PagerDuty;
import dev.alerthub.notify.SendFailures;
import dev.alerthub.notify.SinkRetry;
import dev.alerthub.notify.SinkSettings;
import dev.alerthub.notify.Slack;
import dev.alerthub.route.RoutingFacts;
import dev.alerthub.store.AlertStore;
import dev.alerthub.store.Database;
import dev.alerthub.store.DeadLetters;
import dev.alerthub.store.Deliveries;
import dev.alerthub.store.Housekeeping;
import dev.alerthub.store.Outbox;
import dev.alerthub.store.SilenceStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;

/**
 * Builds the hub's beans from its properties and binds them under the names the route files use.
 * This is the only place that knows how the pieces fit; the flow itself is in routes/.
 */
public class HubConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(HubConfiguration.class);

    // Over 60 lines on purpose: it is the list of beans the route files name, in the order they
    // depend on each other; read top to bottom it answers "where does bean X come from".
    @Override
    public void configure(CamelContext context) throws Exception {
        Props p = new Props(context.getPropertiesComponent());
        failFastOnBusyPorts(p);
        Registry registry = context.getRegistry();
        Clock clock = Clock.systemUTC();
        // Camel's Prometheus service exports the registry bound as metricsRegistry: share it, whichever
        // of us comes first
        MeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind("metricsRegistry", meters);
        }
        HubMetrics metrics = new HubMetrics(meters);
        registry.bind("metrics", metrics);

        Database db = Database.open(p.get("alerthub.store.url", "jdbc:h2:file:./data/alerthub"),
                p.get("alerthub.store.username"), p.get("alerthub.store.password"),
                p.getDuration("alerthub.store.statement-timeout", Database.DEFAULT_STATEMENT_TIMEOUT));
        AlertStore.ViewSettings view = AlertStore.ViewSettings.DEFAULTS;
        AlertStore store = new AlertStore(db, clock, p.getDuration("alerthub.store.commit-timeout",
                Duration.ofSeconds(5)).toMillis(), metrics, new AlertStore.ViewSettings(
                p.getInt("alerthub.intake.view.max-alerts", view.maxAlerts()),
                p.getDuration("alerthub.intake.view.resolved-for", view.resolvedFor()),
                p.getDuration("alerthub.intake.view.idle-for", view.idleFor())));
        metrics.gauge("alerthub.intake.view.alerts", "fingerprints the intake remembers to skip unchanged re-sends",
                store::viewSize);
        metrics.gauge("alerthub.intake.queue", "webhook requests waiting for the store's writer", store::queued);
        onStop(context, "state store", () -> {
            store.close();
            db.close();
        });
        Duration lease = p.getDuration("alerthub.outbox.lease", Duration.ofMinutes(1));
        Duration recoveryAge = p.getDuration("alerthub.outbox.recovery-age", Duration.ofSeconds(5));
        registry.bind("database", db);
        registry.bind("alertStore", store);
        Outbox outbox = new Outbox(db, clock, lease, recoveryAge, 10);
        DeadLetters deadLetters = new DeadLetters(db, clock, metrics);
        registry.bind("outbox", outbox);
        Deliveries deliveries = new Deliveries(db, clock, lease, recoveryAge, metrics);
        registry.bind("deliveries", deliveries);
        registry.bind("deadLetters", deadLetters);
        registry.bind("sendFailures", new SendFailures(deadLetters));
        registry.bind("silences", new SilenceStore(db, clock, metrics));
        registry.bind("housekeeping", new Housekeeping(db, clock,
                p.getDuration("alerthub.store.retention", Duration.ofDays(14))));
        metrics.gauge("alerthub.outbox.depth", "alert events stored but not yet routed", outbox::depth);
        metrics.gauge("alerthub.dead.letters", "dead letters not yet replayed", deadLetters::open);

        registry.bind("webhookGuard", new WebhookGuard(p.get("alerthub.webhook.token"),
                p.getInt("alerthub.webhook.max-bytes", 1_048_576)));
        registry.bind("alertmanagerIntake", new AlertmanagerIntake(IntakeLimits.from(p::getInt)));
        registry.bind("routingFacts", new RoutingFacts());
        registry.bind("responses", new HttpResponses());
        registry.bind("apiGuard", new ApiGuard(p.get("alerthub.api.token")));
        registry.bind("alertsApi", new AlertsApi(store));

        PagerDuty pagerDuty = new PagerDuty(new SinkSettings("pagerduty", p::find), clientUrl(p));
        Slack slack = new Slack(new SinkSettings("slack", p::find));
        Email email = new Email(new SinkSettings("email", p::find), p.get("alerthub.email.smtp-host"),
                p.getInt("alerthub.email.smtp-port", 25), p.get("alerthub.email.from"),
                p.get("alerthub.email.username"), p.get("alerthub.email.password"));
        registry.bind("pagerDuty", pagerDuty);
        registry.bind("slack", slack);
        registry.bind("email", email);
        email.configure(context);
        registry.bind("sinkRetry", new SinkRetry(p.getDuration("alerthub.delivery.max-retry-after",
                Duration.ofMinutes(5)), metrics, deliveries, p.getDuration("alerthub.delivery.max-delay",
                Duration.ofMinutes(1)).toMillis()));

        logSink("pagerduty", pagerDuty.isEnabled(), p.get("alerthub.pagerduty.url"), "alerthub.pagerduty.routing-key");
        logSink("slack", slack.isEnabled(), "incoming webhook", "alerthub.slack.webhook-url");
        logSink("email", email.isEnabled(), "smtp " + p.get("alerthub.email.smtp-host") + ":"
                + p.get("alerthub.email.smtp-port", "25"), "alerthub.email.smtp-host and alerthub.email.to");
    }

    private static void logSink(String name, boolean live, String where, String setting) {
        if (live) {
            LOG.info("Sink {}: live ({})", name, where);
        } else {
            LOG.info("Sink {}: disabled ({} not set) - logs what it would send", name, setting);
        }
    }

    private static String clientUrl(Props p) {
        String configured = p.get("alerthub.public-url");
        if (!configured.isEmpty()) {
            return configured.replaceAll("/+$", "") + "/api/alerts";
        }
        try {
            return "http://" + InetAddress.getLocalHost().getHostName() + ":" + p.get("camel.server.port", "8080")
                    + "/api/alerts";
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Vert.x only logs a port it cannot bind and Camel still reports "started": a hub that cannot
     * receive webhooks must instead refuse to start, saying which port and why.
     */
    private static void failFastOnBusyPorts(Props p) {
        if (p.getBoolean("camel.server.enabled", false)) {
            checkFree("camel.server.port", p.get("camel.server.host", "0.0.0.0"), p.getInt("camel.server.port", 8080));
        }
        if (p.getBoolean("camel.management.enabled", false)) {
            checkFree("camel.management.port", p.get("camel.management.host", "0.0.0.0"),
                    p.getInt("camel.management.port", 9876));
        }
    }

    private static void checkFree(String property, String host, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException(property + ": cannot listen on " + host + ":" + port + " ("
                    + e.getMessage() + "); another process holds it. Stop it or set " + property
                    + " (env " + property.toUpperCase().replace('.', '_') + ")", e);
        }
    }

    private static void onStop(CamelContext context, String what, Runnable stop) throws Exception {
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                LOG.debug("Closing {}", what);
                stop.run();
            }
        }, true, true);
    }
}
