package dev.alerthub.probe;

import dev.alerthub.alert.Alert;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Applies a query's result to the probe's stored instances (route probe-evaluate): {@link #evaluate}
 * stores the new pending/firing states and returns the alerts for {@code AlertStore.accept} (the same
 * path as webhooks); {@link #settle} forgets the resolved instances once their alerts are stored.
 * <p>
 * The order keeps every failure recoverable by the next evaluation: a firing state is stored before
 * its alert, so a failed accept is re-sent next time; a resolved instance is forgotten only after its
 * resolved alert is stored, so a failed accept resolves again next time.
 */
public class ProbeEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeEvaluator.class);
    static final String ROUND = "alerthubProbeRound";

    private final ProbeStates states;
    private final ProbeStatusBoard board;
    private final ProbeDispatcher dispatcher;
    private final String graphUrl;

    /**
     * @param graphUrl the Prometheus a person opens from an alert (its /graph page), without a trailing slash
     */
    public ProbeEvaluator(ProbeStates states, ProbeStatusBoard board, ProbeDispatcher dispatcher, String graphUrl) {
        this.states = states;
        this.board = board;
        this.dispatcher = dispatcher;
        this.graphUrl = graphUrl;
    }

    public List<Alert> evaluate(Exchange exchange) {
        ProbeRun run = exchange.getProperty(ProbeRun.PROPERTY, ProbeRun.class);
        ProbeResult result = exchange.getMessage().getBody(ProbeResult.class);
        ProbeSpec spec = run.spec();
        Map<String, InstanceState> stored = states.load(spec.id());
        Round round = Transitions.next(spec, run.at(), stored, result, generatorURL(spec));
        states.write(spec.id(), round.upserts(), round.dropped());
        exchange.setProperty(ROUND, round);

        ProbeStatusBoard.Status prev = board.record(spec.id(), run.at(), round.failure());
        boolean wasFailing = prev != null && prev.failingSince() != null;
        if (round.failure() != null && !wasFailing) {
            LOG.warn("Probe {} failing: {}", spec.id(), round.failure());
        } else if (round.failure() == null && wasFailing) {
            LOG.info("Probe {} works again", spec.id());
        }
        dispatcher.outcome(spec, round.failure() == null ? "ok" : "failed");
        return round.alerts();
    }

    /** The alerts are stored: resolved instances can be forgotten. */
    public void settle(Exchange exchange) {
        ProbeRun run = exchange.getProperty(ProbeRun.PROPERTY, ProbeRun.class);
        Round round = exchange.getProperty(ROUND, Round.class);
        if (run != null && round != null) {
            states.forget(run.spec().id(), round.resolved());
        }
    }

    /** Prometheus' own link for an alerting rule's expression: its graph page, table tab. */
    String generatorURL(ProbeSpec spec) {
        if (spec.kind() != ProbeKind.PROMQL || graphUrl == null || graphUrl.isBlank()) {
            return null;
        }
        return graphUrl + "/graph?g0.expr=" + URLEncoder.encode(spec.query(), StandardCharsets.UTF_8) + "&g0.tab=1";
    }
}
