package dev.alerthub.probe;

import dev.alerthub.metrics.Metrics;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Between Quartz and the evaluation workers (routes probe-dispatch and probe-evaluate). On the Quartz
 * thread it only decides and hands off: is this hub evaluating probes (the {@link ProbeGate}), is the
 * probe's previous evaluation still running (then this firing is skipped, so a slow Prometheus cannot
 * pile up work). On the worker it measures how late the evaluation starts and how long it takes.
 */
public class ProbeDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeDispatcher.class);
    static final String STARTED = "alerthubProbeStarted";
    static final String KIND = "alerthubProbeKind";

    private final ProbeRegistry probes;
    private final Registry registry;
    private final Metrics metrics;
    private final Clock clock;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final java.util.Map<String, Instant> lastErrorLogged = new ConcurrentHashMap<>();
    private static final Duration ERROR_LOG_INTERVAL = Duration.ofMinutes(1);

    public ProbeDispatcher(ProbeRegistry probes, Registry registry, Metrics metrics, Clock clock) {
        this.probes = probes;
        this.registry = registry;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** On the Quartz thread: the run to hand off, or null when there is nothing to do. */
    public ProbeRun dispatch(Exchange exchange) {
        ProbeSpec spec = probes.forRoute(exchange.getFromRouteId());
        if (spec == null) {
            LOG.warn("Route {} fired but is not a known probe", exchange.getFromRouteId());
            return null;
        }
        ProbeGate gate = registry.lookupByNameAndType(ProbeGate.BEAN, ProbeGate.class);
        if (gate != null && !gate.isOpen()) {
            outcome(spec, "standby");
            return null;
        }
        if (!inFlight.add(spec.id())) {
            outcome(spec, "skipped");
            LOG.debug("Probe {}: previous evaluation still running; this one is skipped", spec.id());
            return null;
        }
        Instant now = clock.instant();
        return new ProbeRun(spec, evaluationTime(exchange, now), now);
    }

    /**
     * Quartz' scheduled time, so every evaluation of a probe is exactly one interval apart whatever the
     * load; except for a catch-up firing (the first one after start-up, whose trigger starts in the
     * past to set the probe's phase), which is evaluated at the time it really fired.
     */
    static Instant evaluationTime(Exchange exchange, Instant now) {
        Date scheduled = exchange.getMessage().getHeader("scheduledFireTime", Date.class);
        Date fired = exchange.getMessage().getHeader("fireTime", Date.class);
        if (scheduled == null) {
            return fired != null ? fired.toInstant() : now;
        }
        boolean first = exchange.getMessage().getHeader("previousFireTime") == null;
        if (first && fired != null) {
            return fired.toInstant();
        }
        return scheduled.toInstant();
    }

    /** The hand-off queue was full: the evaluation is lost, and said so. */
    public void dropped(Exchange exchange) {
        ProbeRun run = exchange.getMessage().getBody(ProbeRun.class);
        if (run != null) {
            inFlight.remove(run.spec().id());
            outcome(run.spec(), "missed");
            LOG.warn("Probe {}: evaluation queue full, evaluation at {} missed (raise alerthub.probes.workers?)",
                    run.spec().id(), run.at());
        }
    }

    /** On a worker: the run becomes an exchange property (the body will be the HTTP/JDBC answer). */
    public void start(Exchange exchange) {
        ProbeRun run = exchange.getMessage().getBody(ProbeRun.class);
        exchange.setProperty(ProbeRun.PROPERTY, run);
        Instant now = clock.instant();
        exchange.setProperty(STARTED, now);
        exchange.setProperty(KIND, kind(run.spec()));
        Duration lag = Duration.between(run.at(), now);
        metrics.time("alerthub.probe.evaluation.lag", lag.isNegative() ? Duration.ZERO : lag, "kind", kind(run.spec()));
    }

    /** After the evaluation, whatever happened. */
    public void finished(Exchange exchange) {
        ProbeRun run = exchange.getProperty(ProbeRun.PROPERTY, ProbeRun.class);
        if (run == null) {
            run = exchange.getMessage().getBody(ProbeRun.class);
        }
        if (run == null) {
            return;
        }
        inFlight.remove(run.spec().id());
        Instant started = exchange.getProperty(STARTED, Instant.class);
        if (started != null) {
            metrics.time("alerthub.probe.evaluation.duration", Duration.between(started, clock.instant()),
                    "kind", kind(run.spec()));
        }
    }

    /**
     * The evaluation itself broke (the state store is down): counted every time, logged at most once a
     * minute per probe, or 1,000 probes would write 67 warnings a second about the same outage.
     */
    public void error(Exchange exchange) {
        ProbeRun run = exchange.getProperty(ProbeRun.PROPERTY, ProbeRun.class);
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String id = run == null ? "?" : run.spec().id();
        if (run != null) {
            outcome(run.spec(), "error");
        }
        Instant now = clock.instant();
        Instant last = lastErrorLogged.get(id);
        if (last == null || Duration.between(last, now).compareTo(ERROR_LOG_INTERVAL) >= 0) {
            lastErrorLogged.put(id, now);
            LOG.warn("Probe {}: evaluation not completed (next evaluation retries from the stored state): {}", id,
                    t == null ? "unknown error" : t.getMessage());
        }
    }

    void outcome(ProbeSpec spec, String outcome) {
        metrics.count("alerthub.probe.evaluations", "kind", kind(spec), "outcome", outcome);
    }

    static String kind(ProbeSpec spec) {
        return spec.kind() == ProbeKind.PROMQL ? "promql" : "sql";
    }

    public int inFlight() {
        return inFlight.size();
    }
}
