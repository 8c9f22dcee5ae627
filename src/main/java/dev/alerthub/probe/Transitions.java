package dev.alerthub.probe;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.alert.Fingerprints;
import dev.alerthub.alert.Severity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Prometheus' alerting-rule state machine, per instance (one per series or row):
 * inactive -> pending (condition true) -> firing (true for at least {@code for}) -> resolved (false
 * again); a pending instance whose condition goes away is forgotten without a word. No data (an
 * empty result, or NaN) follows the probe's {@link NoDataPolicy}. A query that fails changes no
 * instance and raises the probe's one {@code ProbeFailing} alert instead, resolved by the next
 * evaluation that works.
 */
public final class Transitions {
    public static final String PROBE_FAILING = "ProbeFailing";

    private Transitions() {
    }

    private enum Condition { TRUE, FALSE, NO_DATA }

    private record Observation(Map<String, String> labels, double value, Map<String, String> row,
                               Condition condition) {
    }

    public static Round next(ProbeSpec spec, Instant at, Map<String, InstanceState> stored, ProbeResult result,
                             String generatorURL) {
        String failingFp = Fingerprints.of(failingLabels(spec));
        if (result.failed()) {
            return failed(spec, at, stored, result.error(), failingFp, generatorURL);
        }
        Map<String, Observation> observations = new LinkedHashMap<>();
        String duplicate = observe(spec, result, observations);
        if (duplicate != null) {
            return failed(spec, at, stored, duplicate, failingFp, generatorURL);
        }
        // an empty result: noData=ok resolves everything below, alert makes one instance, keep changes nothing
        if (observations.isEmpty() && spec.noData() == NoDataPolicy.KEEP) {
            return keepAll(spec, stored, failingFp, at, generatorURL);
        } else if (observations.isEmpty() && spec.noData() == NoDataPolicy.ALERT) {
            Map<String, String> labels = instanceLabels(spec, Map.of());
            observations.put(Fingerprints.of(labels), new Observation(labels, Double.NaN, Map.of(), Condition.TRUE));
        }
        List<InstanceState> upserts = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        List<Alert> alerts = new ArrayList<>();
        List<String> resolved = new ArrayList<>();
        Set<String> stillActive = new HashSet<>();
        for (Map.Entry<String, Observation> e : observations.entrySet()) {
            String fp = e.getKey();
            Observation o = e.getValue();
            InstanceState prev = stored.get(fp);
            // a NaN value: noData=alert counts it as true, ok as false, keep leaves the instance as it was
            Condition c = o.condition() != Condition.NO_DATA ? o.condition()
                    : spec.noData() == NoDataPolicy.ALERT ? Condition.TRUE
                    : spec.noData() == NoDataPolicy.OK ? Condition.FALSE : null;
            if (c == null && prev != null) {
                stillActive.add(fp);
                if (prev.isFiring()) {
                    alerts.add(alert(spec, prev, AlertStatus.FIRING, null, generatorURL));
                }
            }
            if (c != Condition.TRUE) {
                continue;
            }
            stillActive.add(fp);
            InstanceState next = advance(spec, fp, prev, o, at);
            if (next.differsFrom(prev)) {
                upserts.add(next);
            }
            if (next.isFiring()) {
                alerts.add(alert(spec, next, AlertStatus.FIRING, null, generatorURL));
            }
        }
        for (InstanceState prev : stored.values()) {
            if (!stillActive.contains(prev.fingerprint())) {
                // firing: resolved; pending: forgotten, as Prometheus does
                (prev.isFiring() ? resolved : dropped).add(prev.fingerprint());
                if (prev.isFiring()) {
                    alerts.add(alert(spec, prev, AlertStatus.RESOLVED, at, generatorURL));
                }
            }
        }
        return new Round(upserts, dropped, alerts, resolved, null);
    }

    /**
     * One observation per instance (fingerprint) into {@code into}; the failure message when two series
     * are one instance (Prometheus refuses this too: they would be one alert, flapping between values).
     */
    private static String observe(ProbeSpec spec, ProbeResult result, Map<String, Observation> into) {
        for (ProbeResult.Sample s : result.samples()) {
            Map<String, String> labels = instanceLabels(spec, s.labels());
            Condition c = Double.isNaN(s.value()) ? Condition.NO_DATA
                    : spec.op().holds(s.value(), spec.threshold()) ? Condition.TRUE : Condition.FALSE;
            if (into.put(Fingerprints.of(labels), new Observation(labels, s.value(), s.row(), c)) != null) {
                return "the result has two series with the same labels " + labels + " once the probe's labels are"
                        + " applied; aggregate with sum by (...) or add a distinguishing label";
            }
        }
        return null;
    }

    /** An active instance one step on: new (pending, or firing at once without a 'for'), fired, or as it was. */
    private static InstanceState advance(ProbeSpec spec, String fp, InstanceState prev, Observation o, Instant at) {
        Map<String, String> annotations = annotations(spec, o);
        if (prev == null) {
            return spec.forDuration().isZero()
                    ? new InstanceState(fp, InstanceState.State.FIRING, at, at, o.labels(), annotations, o.value())
                    : new InstanceState(fp, InstanceState.State.PENDING, at, null, o.labels(), annotations, o.value());
        }
        if (!prev.isFiring() && !Duration.between(prev.activeAt(), at).minus(spec.forDuration()).isNegative()) {
            return new InstanceState(fp, InstanceState.State.FIRING, prev.activeAt(), at, o.labels(), annotations, o.value());
        }
        return new InstanceState(fp, prev.state(), prev.activeAt(), prev.firedAt(), o.labels(), annotations, o.value());
    }

    /** No data and noData=keep: every instance stays as it is; only a ProbeFailing alert resolves. */
    private static Round keepAll(ProbeSpec spec, Map<String, InstanceState> stored, String failingFp, Instant at,
                                 String generatorURL) {
        List<Alert> alerts = new ArrayList<>();
        List<String> resolved = new ArrayList<>();
        for (InstanceState s : stored.values()) {
            if (s.fingerprint().equals(failingFp)) {
                alerts.add(alert(spec, s, AlertStatus.RESOLVED, at, generatorURL));
                resolved.add(s.fingerprint());
            } else if (s.isFiring()) {
                alerts.add(alert(spec, s, AlertStatus.FIRING, null, generatorURL));
            }
        }
        return new Round(List.of(), List.of(), alerts, resolved, null);
    }

    private static Round failed(ProbeSpec spec, Instant at, Map<String, InstanceState> stored, String error,
                                String failingFp, String generatorURL) {
        InstanceState prev = stored.get(failingFp);
        Map<String, String> annotations = new TreeMap<>();
        annotations.put("summary", "Probe " + spec.id() + " cannot be evaluated: " + error);
        annotations.put("description", "The " + (spec.kind() == ProbeKind.PROMQL ? "PromQL" : "SQL") + " probe "
                + spec.id() + " (" + spec.alertname() + ") failed: " + error
                + ". Its alerts keep their last state until it works again.");
        Instant firedAt = prev == null ? at : prev.firedAt();
        InstanceState next = new InstanceState(failingFp, InstanceState.State.FIRING, prev == null ? at : prev.activeAt(),
                firedAt, failingLabels(spec), annotations, Double.NaN);
        List<InstanceState> upserts = next.differsFrom(prev) ? List.of(next) : List.of();
        return new Round(upserts, List.of(), List.of(alert(spec, next, AlertStatus.FIRING, null, generatorURL)),
                List.of(), error);
    }

    /** The labels of a series' alert: its own (without __name__), the probe's, then alertname, severity, action. */
    static Map<String, String> instanceLabels(ProbeSpec spec, Map<String, String> series) {
        Map<String, String> labels = new TreeMap<>(series);
        labels.remove("__name__");
        labels.putAll(spec.labels());
        labels.put("alertname", spec.alertname());
        labels.put(Severity.LABEL, spec.severity().wire());
        if (spec.action() != null) {
            labels.put("action", spec.action());
        }
        return labels;
    }

    /** One per probe, whatever the number of series: a broken query must not page once per series. */
    static Map<String, String> failingLabels(ProbeSpec spec) {
        Map<String, String> labels = new TreeMap<>(spec.labels());
        labels.put("alertname", PROBE_FAILING);
        labels.put("probe", spec.id());
        labels.put(Severity.LABEL, Severity.WARNING.wire());
        return labels;
    }

    private static Map<String, String> annotations(ProbeSpec spec, Observation o) {
        AnnotationTemplate.Data data = new AnnotationTemplate.Data(o.value(), o.labels(), o.row());
        Map<String, String> out = new TreeMap<>();
        spec.annotations().forEach((name, template) -> out.put(name, template.render(data)));
        out.putIfAbsent("summary", spec.alertname() + ": value " + Values.plain(o.value()) + " (alerts when "
                + spec.condition() + ")");
        // what the diagnosis on a page shows as "current value of the expression" (docs/remediation.md)
        out.putIfAbsent("value", Values.plain(o.value()));
        out.putIfAbsent("expr", spec.kind() == ProbeKind.PROMQL ? spec.query() : spec.sql());
        return out;
    }

    private static Alert alert(ProbeSpec spec, InstanceState s, AlertStatus status, Instant endsAt, String generatorURL) {
        return new Alert(s.fingerprint(), status, null, null, s.labels(), s.annotations(),
                s.firedAt() != null ? s.firedAt() : s.activeAt(), endsAt, generatorURL, spec.source());
    }
}
