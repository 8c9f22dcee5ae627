package dev.alerthub;

import dev.alerthub.admin.AlertsApi;
import dev.alerthub.admin.ApiGuard;
import dev.alerthub.config.Props;
import dev.alerthub.admin.HttpResponses;
import dev.alerthub.admin.HubMetrics;
import dev.alerthub.admin.NotificationsApi;
import dev.alerthub.store.NotificationHistory;
import dev.alerthub.intake.AlertmanagerIntake;
import dev.alerthub.intake.IntakeLimits;
import dev.alerthub.intake.ResentBodies;
import dev.alerthub.intake.SlackInteraction;
import dev.alerthub.intake.SlackSignature;
import dev.alerthub.intake.WebhookGuard;
import dev.alerthub.notify.DeliveryGate;
import dev.alerthub.lifecycle.Templates;
import dev.alerthub.notify.Email;
import dev.alerthub.notify.GroupMessages;
import dev.alerthub.notify.PagerDuty;
import dev.alerthub.notify.SendFailures;
import dev.alerthub.notify.SinkRetry;
import dev.alerthub.notify.SinkSettings;
import dev.alerthub.notify.Slack;
import dev.alerthub.notify.SlackApi;
import dev.alerthub.route.RoutingFacts;
import dev.alerthub.store.AlertGroups;
import dev.alerthub.store.AlertStore;
import dev.alerthub.store.Backoff;
import dev.alerthub.store.Database;
import dev.alerthub.store.DeadLetters;
import dev.alerthub.store.Deliveries;
import dev.alerthub.store.Housekeeping;
import dev.alerthub.store.LeaseOwner;
import dev.alerthub.store.Outbox;
import dev.alerthub.store.SilenceStore;
import dev.alerthub.store.SlackMessages;
import dev.alerthub.store.WorkQueue;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

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
        registry.bind("database", db);
        registry.bind("alertStore", store);
        DeadLetters deadLetters = new DeadLetters(db, clock, metrics);
        registry.bind("deadLetters", deadLetters);
        SendFailures sendFailures = new SendFailures(deadLetters);
        registry.bind("sendFailures", sendFailures);
        Deliveries deliveries = delivery(context, p, db, clock, deadLetters, metrics);
        registry.bind("silences", new SilenceStore(db, clock, metrics));
        registry.bind("housekeeping", new Housekeeping(db, clock,
                p.getDuration("alerthub.store.retention", Duration.ofDays(14)),
                p.getDuration("alerthub.history.retention", Duration.ofDays(7))));
        metrics.gauge("alerthub.dead.letters", "dead letters not yet replayed", deadLetters::open);

        registry.bind("webhookGuard", new WebhookGuard(p.get("alerthub.webhook.token"),
                p.getInt("alerthub.webhook.max-bytes", 1_048_576)));
        registry.bind("alertmanagerIntake", new AlertmanagerIntake(IntakeLimits.from(p::getInt)));
        registry.bind("resentBodies", new ResentBodies(store, p.getInt("alerthub.webhook.resent-bodies", 10_000),
                metrics));
        registry.bind("slackSignature", new SlackSignature(p.get("alerthub.slack.signing-secret"), clock));
        registry.bind("slackInteraction", new SlackInteraction());
        registry.bind("routingFacts", new RoutingFacts());
        registry.bind("responses", new HttpResponses());
        registry.bind("apiGuard", new ApiGuard(p.get("alerthub.api.token")));
        registry.bind("alertsApi", new AlertsApi(store));
        registry.bind("notificationsApi", new NotificationsApi(registry.lookupByNameAndType("notificationHistory",
                NotificationHistory.class)));

        // the sinks' texts (config/templates); a broken template is logged here, once, and falls back to the built-in text
        Templates templates = Templates.load(LifecycleConfiguration.templatesDir(p));
        registry.bind("templates", templates);
        String alertsUrl = clientUrl(p);
        PagerDuty pagerDuty = new PagerDuty(new SinkSettings("pagerduty", p::find), alertsUrl, templates);
        SinkSettings slackSettings = new SinkSettings("slack", p::find);
        SlackApi slackApi = new SlackApi(slackSettings, new SlackMessages(db, clock),
                p.get("alerthub.slack.api-url", "https://slack.com/api"));
        if (slackApi.isUsedFor("") && slackSettings.find("", "channel").isEmpty()) {
            throw new IllegalArgumentException("alerthub.slack.channel: required with alerthub.slack.bot-token "
                    + "(Slack Web API mode posts to this channel; env ALERTHUB_SLACK_CHANNEL)");
        }
        Slack slack = new Slack(slackSettings, templates, alertsUrl).webApi(slackApi)
                .interactive(!p.get("alerthub.slack.signing-secret").isBlank());
        registry.bind("slackApi", slackApi);
        Email email = new Email(new SinkSettings("email", p::find), p.get("alerthub.email.smtp-host"),
                p.getInt("alerthub.email.smtp-port", 25), p.get("alerthub.email.from"),
                p.get("alerthub.email.username"), p.get("alerthub.email.password")).texts(templates, alertsUrl);
        registry.bind("pagerDuty", pagerDuty);
        registry.bind("slack", slack);
        registry.bind("email", email);
        registry.bind("groupMessages", new GroupMessages(templates, alertsUrl));
        email.configure(context);
        DeliveryGate gate = new DeliveryGate(clock, p.getDuration("alerthub.delivery.breaker.open-for",
                Duration.ofSeconds(15)), p.getInt("alerthub.delivery.breaker.minimum-calls", 5), Map.of(
                "slack", perSecond(p.get("alerthub.delivery.slack-per-second", "1"), 1),
                "pagerduty", perSecond(p.get("alerthub.delivery.pagerduty-per-minute", "120"), 60)),
                Duration.ofMillis(1500), SinkRetry::isTransient);
        registry.bind("deliveryGate", gate);
        registry.bind("sinkRetry", new SinkRetry(clock, backoff(p), p.getDuration("alerthub.delivery.give-up-after",
                Duration.ofHours(1)), p.getDuration("alerthub.delivery.max-retry-after", Duration.ofMinutes(5)),
                gate, deliveries, sendFailures, metrics).history(registry.lookupByNameAndType("notificationHistory",
                NotificationHistory.class)));

        logSink("pagerduty", pagerDuty.isEnabled(), p.get("alerthub.pagerduty.url"), "alerthub.pagerduty.routing-key");
        logSink("slack", slack.isEnabled(), slackApi.isUsedFor("") ? "Web API, channel "
                + slackSettings.find("", "channel").orElse("") : "incoming webhook",
                "alerthub.slack.webhook-url or alerthub.slack.bot-token");
        logSink("email", email.isEnabled(), "smtp " + p.get("alerthub.email.smtp-host") + ":"
                + p.get("alerthub.email.smtp-port", "25"), "alerthub.email.smtp-host and alerthub.email.to");
    }

    /**
     * The store's work queues (alert events, deliveries; remediation takes the bound {@code leaseOwner}) under
     * this hub's lease owner; leases its
     * previous incarnation held are taken back at once (docs/architecture.md#restart-and-leases).
     */
    private static Deliveries delivery(CamelContext context, Props p, Database db, Clock clock, DeadLetters deadLetters,
                                       HubMetrics metrics) throws Exception {
        Registry registry = context.getRegistry();
        Duration lease = p.getDuration("alerthub.outbox.lease", Duration.ofMinutes(1));
        Duration recoveryAge = p.getDuration("alerthub.outbox.recovery-age", Duration.ofSeconds(5));
        LeaseOwner owner = LeaseOwner.acquire(p.get("alerthub.instance-id"), lockDir(p.get("alerthub.store.url")));
        onStop(context, "instance lock", owner::release);
        registry.bind("leaseOwner", owner);
        WorkQueue<Outbox.State> events = Outbox.queue(db, clock, owner.id(), lease, recoveryAge);
        WorkQueue<Deliveries.State> sends = Deliveries.queue(db, clock, owner.id(), lease, recoveryAge);
        if (owner.takesOverPrevious()) {
            int released = events.releaseOwnLeases() + sends.releaseOwnLeases();
            if (released > 0) {
                LOG.info("Took back {} alert event(s) and deliveries this hub ({}) held before it stopped", released,
                        owner.id());
            }
        }
        Outbox outbox = new Outbox(db, clock, events, deadLetters, backoff(p), p.getInt("alerthub.outbox.max-attempts", 10));
        registry.bind("outbox", outbox);
        NotificationHistory history = new NotificationHistory(db, clock);
        registry.bind("notificationHistory", history);
        // grouped notifications (docs/sinks.md#grouping)
        AlertGroups groups = new AlertGroups(db, clock, p.getDuration("alerthub.delivery.group-hold",
                Duration.ofSeconds(30)), p.getInt("alerthub.pagerduty.group-above", 10));
        registry.bind("alertGroups", groups);
        Deliveries deliveries = new Deliveries(db, clock, sends, metrics, history, groups);
        registry.bind("deliveries", deliveries);
        // the deliveries a batch of routed events asks for are written in the batch's own transaction
        outbox.recordDeliveriesWith(deliveries::write);
        metrics.gauge("alerthub.outbox.depth", "alert events stored but not yet routed", outbox::depth);
        return deliveries;
    }

    private static Backoff backoff(Props p) {
        return new Backoff(p.getDuration("alerthub.delivery.initial-delay", Duration.ofSeconds(1)),
                p.getDuration("alerthub.delivery.max-delay", Duration.ofMinutes(1)));
    }

    /** The least time between two sends to one target, from a rate per {@code seconds}; 0 or less: no limit. */
    private static Duration perSecond(String rate, int seconds) {
        double r = Double.parseDouble(rate);
        return r <= 0 ? Duration.ZERO : Duration.ofMillis(Math.round(seconds * 1000 / r));
    }

    /** The embedded store's folder (the instance lock lives with the data), else the working folder. */
    private static Path lockDir(String storeUrl) {
        String prefix = "jdbc:h2:file:";
        if (storeUrl.startsWith(prefix)) {
            Path file = Path.of(storeUrl.substring(prefix.length()).split(";", 2)[0]).toAbsolutePath();
            return file.getParent() == null ? Path.of("").toAbsolutePath() : file.getParent();
        }
        return Path.of("").toAbsolutePath();
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
