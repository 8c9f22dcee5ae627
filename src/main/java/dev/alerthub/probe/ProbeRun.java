package dev.alerthub.probe;

import java.time.Instant;

/**
 * One evaluation of one probe, from the Quartz firing to the stored alerts.
 *
 * @param at          the evaluation time: Quartz' scheduled fire time, also sent as Prometheus' {@code time}
 * @param dispatchedAt when the Quartz thread handed it to the evaluation workers
 */
public record ProbeRun(ProbeSpec spec, Instant at, Instant dispatchedAt) {
    /** Exchange property that carries the run past the HTTP/JDBC call, which replaces the body. */
    public static final String PROPERTY = "alerthubProbeRun";
}
