package dev.alerthub.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The digest's figures for one window ({@code GET /api/digest?hours=}), as the API shows them and
 * the mail and Slack message say them.
 *
 * @param eventsCut true when the window held more events than one digest reads (a storm); counts are then lower bounds
 */
public record Digest(Instant from, Instant to, int hours, Counts fired, Counts resolved, TimeToResolve timeToResolve,
                     List<Noisy> noisiest, List<ActionOutcome> actions, DeadLetters deadLetters, StillFiring stillFiring,
                     boolean eventsCut) {

    /** How many, by severity (critical, warning, info, always all three) and by team label ("(none)" without one). */
    public record Counts(long total, Map<String, Long> bySeverity, Map<String, Long> byTeam) {
    }

    /**
     * Resolved alerts' endsAt - startsAt, nearest-rank percentiles in seconds; null when nothing resolved.
     */
    public record TimeToResolve(long resolved, Long p50Seconds, Long p90Seconds) {
    }

    /** An alert name in a namespace ("" without one) and how often it fired in the window. */
    public record Noisy(String alertname, String namespace, long firings) {
    }

    /** Remediation decisions by action and outcome ({@code done}, {@code dry-run}, {@code skipped:...}, {@code failed:...}, {@code pending}). */
    public record ActionOutcome(String action, String outcome, long count) {
    }

    /** Dead letters created in the window, by sink, and those not replayed (any age). */
    public record DeadLetters(long total, Map<String, Long> bySink, long open) {
    }

    /** Alerts firing at the end of the window, and the longest-firing of them. */
    public record StillFiring(long total, Map<String, Long> bySeverity, List<Firing> oldest) {
    }

    public record Firing(String fingerprint, String alertname, String namespace, String severity, Instant since) {
    }
}
