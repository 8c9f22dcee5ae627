package dev.alerthub.probe;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.alert.Fingerprints;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Prometheus' alerting-rule semantics, evaluation by evaluation, with the stored state carried along. */
class TransitionsTest {
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    static final String GRAPH = "http://prom/graph?g0.expr=x&g0.tab=1";

    /** Carries the store between evaluations, as ProbeEvaluator does. */
    static final class Probe {
        final ProbeSpec spec;
        final Map<String, InstanceState> stored = new HashMap<>();

        Probe(String... params) {
            spec = ProbeSpecTest.parse(ProbeKind.PROMQL, ProbeSpecTest.promql(params));
        }

        Round eval(int second, ProbeResult result) {
            Round r = Transitions.next(spec, T0.plusSeconds(second), Map.copyOf(stored), result, GRAPH);
            r.upserts().forEach(s -> stored.put(s.fingerprint(), s));
            r.dropped().forEach(stored::remove);
            r.resolved().forEach(stored::remove);
            return r;
        }

        InstanceState only() {
            assertThat(stored).hasSize(1);
            return stored.values().iterator().next();
        }
    }

    static ProbeResult series(double... deploymentValues) {
        List<ProbeResult.Sample> samples = new java.util.ArrayList<>();
        for (int i = 0; i < deploymentValues.length; i++) {
            samples.add(new ProbeResult.Sample(Map.of("__name__", "ratio", "deployment", "d" + i),
                    deploymentValues[i], Map.of()));
        }
        return ProbeResult.of(samples);
    }

    @Test
    void pendingThenFiringAfterForThenResolvedWhenFalseAgain() {
        Probe p = new Probe("for", "30s", "annotations", "summary: ratio {{ $value }} on {{ $labels.deployment }}");
        Round r = p.eval(0, series(0.2));
        assertThat(r.alerts()).as("pending is never sent").isEmpty();
        assertThat(p.only().state()).isEqualTo(InstanceState.State.PENDING);

        assertThat(p.eval(15, series(0.3)).alerts()).isEmpty();
        assertThat(p.only().activeAt()).as("pending since the first true evaluation").isEqualTo(T0);

        r = p.eval(30, series(0.25));
        Alert firing = r.alerts().get(0);
        assertThat(firing.status()).isEqualTo(AlertStatus.FIRING);
        assertThat(firing.startsAt()).as("startsAt is when it fired").isEqualTo(T0.plusSeconds(30));
        assertThat(firing.labels()).containsEntry("alertname", "CheckoutErrors").containsEntry("severity", "critical")
                .containsEntry("deployment", "d0").doesNotContainKey("__name__");
        assertThat(firing.fingerprint()).isEqualTo(Fingerprints.of(firing.labels()));
        assertThat(firing.annotations()).containsEntry("summary", "ratio 0.25 on d0");
        assertThat(firing.annotations()).as("the page's diagnosis shows the current value of the expression")
                .containsEntry("value", "0.25").containsKey("expr");
        assertThat(firing.source()).isEqualTo("probe:checkout-errors");
        assertThat(firing.generatorURL()).isEqualTo(GRAPH);

        r = p.eval(45, series(0.4));
        assertThat(r.alerts()).as("re-sent every evaluation while firing").singleElement()
                .satisfies(a -> assertThat(a.startsAt()).isEqualTo(T0.plusSeconds(30)));

        r = p.eval(60, series(0.01));
        Alert resolved = r.alerts().get(0);
        assertThat(resolved.status()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(resolved.endsAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(resolved.startsAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(resolved.fingerprint()).isEqualTo(firing.fingerprint());
        assertThat(r.resolved()).containsExactly(firing.fingerprint());
        assertThat(p.stored).isEmpty();

        assertThat(p.eval(75, series(0.01)).alerts()).as("resolved is sent once").isEmpty();
    }

    @Test
    void aPendingInstanceThatRecoversIsForgottenWithoutAWord() {
        Probe p = new Probe("for", "1m");
        p.eval(0, series(0.2));
        Round r = p.eval(15, series(0.0));
        assertThat(r.alerts()).isEmpty();
        assertThat(r.dropped()).hasSize(1);
        assertThat(p.stored).isEmpty();
        p.eval(30, series(0.2));
        assertThat(p.only().activeAt()).as("the clock starts again").isEqualTo(T0.plusSeconds(30));
    }

    @Test
    void forZeroFiresAtTheFirstTrueEvaluation() {
        Probe p = new Probe();
        assertThat(p.eval(0, series(0.2)).alerts()).singleElement()
                .satisfies(a -> assertThat(a.status()).isEqualTo(AlertStatus.FIRING));
    }

    @Test
    void eachSeriesIsItsOwnInstance() {
        Probe p = new Probe("for", "15s");
        p.eval(0, series(0.2, 0.0));
        Round r = p.eval(15, series(0.2, 0.3));
        assertThat(r.alerts()).extracting(a -> a.label("deployment")).containsExactly("d0");
        r = p.eval(30, series(0.0, 0.3));
        assertThat(r.alerts()).extracting(a -> a.label("deployment") + ":" + a.status().wire())
                .containsExactlyInAnyOrder("d0:resolved", "d1:firing");
    }

    @Test
    void aSeriesThatDisappearsResolvesWhileOthersStay() {
        Probe p = new Probe();
        p.eval(0, series(0.2, 0.3));
        Round r = p.eval(15, ProbeResult.of(List.of(series(0.2, 0.3).samples().get(1))));
        assertThat(r.alerts()).extracting(a -> a.label("deployment") + ":" + a.status().wire())
                .containsExactlyInAnyOrder("d0:resolved", "d1:firing");
    }

    @Test
    void noDataOkResolves() {
        Probe p = new Probe("noData", "ok");
        p.eval(0, series(0.2));
        Round r = p.eval(15, ProbeResult.of(List.of()));
        assertThat(r.alerts()).singleElement().satisfies(a -> assertThat(a.status()).isEqualTo(AlertStatus.RESOLVED));
        assertThat(p.eval(30, series(Double.NaN)).alerts()).isEmpty();
    }

    @Test
    void noDataAlertFiresAfterForWithTheProbesOwnLabels() {
        Probe p = new Probe("noData", "alert", "for", "15s", "labels", "team: shop");
        assertThat(p.eval(0, ProbeResult.of(List.of())).alerts()).isEmpty();
        Round r = p.eval(15, ProbeResult.of(List.of()));
        assertThat(r.alerts()).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo(AlertStatus.FIRING);
            assertThat(a.labels()).containsOnlyKeys("alertname", "severity", "team");
            assertThat(a.summary()).contains("value NaN");
        });
        r = p.eval(30, series(0.0));
        assertThat(r.alerts()).as("data again, below threshold: resolved").singleElement()
                .satisfies(a -> assertThat(a.status()).isEqualTo(AlertStatus.RESOLVED));
    }

    @Test
    void aNanSeriesFollowsNoDataAlert() {
        Probe p = new Probe("noData", "alert");
        Round r = p.eval(0, series(Double.NaN, 0.0));
        assertThat(r.alerts()).extracting(a -> a.label("deployment")).containsExactly("d0");
    }

    @Test
    void noDataKeepChangesNothing() {
        Probe p = new Probe("noData", "keep", "for", "15s");
        p.eval(0, series(0.2, 0.3));
        p.eval(15, series(0.2, 0.0));
        // d0 firing, d1 forgotten; now no data at all for a while
        Round r = p.eval(30, ProbeResult.of(List.of()));
        assertThat(r.alerts()).extracting(a -> a.label("deployment") + ":" + a.status().wire()).containsExactly("d0:firing");
        assertThat(r.upserts()).isEmpty();
        // a pending instance keeps its clock through NaN
        p.eval(45, series(0.2, 0.4));
        p.eval(60, series(Double.NaN, Double.NaN));
        r = p.eval(75, series(0.2, 0.4));
        assertThat(r.alerts()).extracting(a -> a.label("deployment") + ":" + a.status().wire())
                .containsExactlyInAnyOrder("d0:firing", "d1:firing");
        assertThat(p.stored.values()).filteredOn(s -> "d1".equals(s.labels().get("deployment")))
                .singleElement().satisfies(s -> assertThat(s.activeAt()).isEqualTo(T0.plusSeconds(45)));
    }

    @Test
    void aFailedQueryRaisesOneProbeFailingAndKeepsEveryInstance() {
        Probe p = new Probe("labels", "team: shop", "action", "rollback");
        p.eval(0, series(0.2, 0.3));
        Round r = p.eval(15, ProbeResult.failed("Prometheus at http://prom is unreachable: Connection refused"));
        assertThat(r.alerts()).singleElement().satisfies(a -> {
            assertThat(a.alertname()).isEqualTo("ProbeFailing");
            assertThat(a.labels()).containsEntry("probe", "checkout-errors").containsEntry("severity", "warning")
                    .containsEntry("team", "shop").doesNotContainKey("action");
            assertThat(a.summary()).contains("cannot be evaluated").contains("Connection refused");
            assertThat(a.startsAt()).isEqualTo(T0.plusSeconds(15));
        });
        assertThat(p.stored).hasSize(3);
        r = p.eval(30, ProbeResult.failed("Prometheus at http://prom is unreachable: Connection refused"));
        assertThat(r.alerts()).singleElement().satisfies(a -> assertThat(a.startsAt()).isEqualTo(T0.plusSeconds(15)));
        assertThat(r.upserts()).as("nothing changed, nothing to write").isEmpty();

        r = p.eval(45, series(0.2, 0.3));
        assertThat(r.alerts()).extracting(a -> a.alertname() + ":" + a.status().wire())
                .containsExactlyInAnyOrder("ProbeFailing:resolved", "CheckoutErrors:firing", "CheckoutErrors:firing");
        assertThat(r.alerts()).filteredOn(a -> a.isFiring()).allSatisfy(a ->
                assertThat(a.startsAt()).as("the instances kept their clock").isEqualTo(T0));
    }

    @Test
    void aWorkingQueryWithNoDataKeepStillResolvesProbeFailing() {
        Probe p = new Probe("noData", "keep");
        p.eval(0, ProbeResult.failed("boom"));
        Round r = p.eval(15, ProbeResult.of(List.of()));
        assertThat(r.alerts()).singleElement().satisfies(a -> {
            assertThat(a.alertname()).isEqualTo("ProbeFailing");
            assertThat(a.status()).isEqualTo(AlertStatus.RESOLVED);
        });
    }

    @Test
    void twoSeriesWithTheSameLabelsAfterTheProbesLabelsAreAFailure() {
        Probe p = new Probe("labels", "deployment: same");
        Round r = p.eval(0, series(0.2, 0.3));
        assertThat(r.failure()).contains("two series with the same labels");
        assertThat(r.alerts()).extracting(Alert::alertname).containsExactly("ProbeFailing");
    }

    @Test
    void theProbesLabelsOverrideTheSeriesAndAlertnameSeverityActionAlwaysComeFromTheProbe() {
        Probe p = new Probe("labels", "{team: shop, job: override}", "action", "rollback");
        Map<String, String> series = Map.of("job", "node", "severity", "info", "alertname", "Other", "deployment", "d");
        Round r = p.eval(0, ProbeResult.of(List.of(new ProbeResult.Sample(series, 1, Map.of()))));
        assertThat(r.alerts().get(0).labels()).containsEntry("job", "override").containsEntry("team", "shop")
                .containsEntry("severity", "critical").containsEntry("alertname", "CheckoutErrors")
                .containsEntry("action", "rollback").containsEntry("deployment", "d");
    }
}
