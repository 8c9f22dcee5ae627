package dev.alerthub.probe;

import dev.alerthub.admin.HubMetrics;
import dev.alerthub.support.LogCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;

/** What happens on the Quartz thread: the gate, the one-evaluation-at-a-time guard, the evaluation time. */
class ProbeDispatcherTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    DefaultCamelContext camel;
    SimpleMeterRegistry meters;
    ProbeDispatcher dispatcher;
    ProbeSpec spec;

    @BeforeEach
    void setUp() {
        camel = new DefaultCamelContext();
        meters = new SimpleMeterRegistry();
        ProbeRegistry probes = new ProbeRegistry(camel, null);
        spec = ProbeSpecTest.parse(ProbeKind.PROMQL, ProbeSpecTest.promql());
        probes.register("probe-checkout-errors", spec);
        dispatcher = new ProbeDispatcher(probes, camel.getRegistry(), new HubMetrics(meters),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    Exchange firing(Instant scheduled, Instant previous) {
        Exchange x = new DefaultExchange(camel);
        x.getExchangeExtension().setFromRouteId("probe-checkout-errors");
        x.getMessage().setHeader("scheduledFireTime", Date.from(scheduled));
        x.getMessage().setHeader("fireTime", Date.from(scheduled.plusMillis(3)));
        if (previous != null) {
            x.getMessage().setHeader("previousFireTime", Date.from(previous));
        }
        return x;
    }

    double count(String outcome) {
        var c = meters.find("alerthub.probe.evaluations").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aProbeIsEvaluatedOnceAtATimeLaterFiringsAreSkipped() {
        Exchange first = firing(NOW.minusSeconds(15), NOW.minusSeconds(30));
        ProbeRun run = dispatcher.dispatch(first);
        assertThat(run.at()).as("the scheduled time").isEqualTo(NOW.minusSeconds(15));
        assertThat(dispatcher.dispatch(firing(NOW, NOW.minusSeconds(15)))).isNull();
        assertThat(count("skipped")).isEqualTo(1);

        first.getMessage().setBody(run);
        dispatcher.start(first);
        dispatcher.finished(first);
        assertThat(dispatcher.dispatch(firing(NOW, NOW.minusSeconds(15)))).isNotNull();
        assertThat(meters.find("alerthub.probe.evaluation.lag").timer().count()).isEqualTo(1);
    }

    @Test
    void aDroppedHandOffReleasesTheProbe() {
        Exchange x = firing(NOW, NOW.minusSeconds(15));
        x.getMessage().setBody(dispatcher.dispatch(x));
        dispatcher.dropped(x);
        assertThat(count("missed")).isEqualTo(1);
        assertThat(dispatcher.inFlight()).isZero();
    }

    @Test
    void aClosedGateMeansStandby() {
        camel.getRegistry().bind(ProbeGate.BEAN, ProbeGate.class, (ProbeGate) () -> false);
        assertThat(dispatcher.dispatch(firing(NOW, NOW.minusSeconds(15)))).isNull();
        assertThat(count("standby")).isEqualTo(1);
        assertThat(dispatcher.inFlight()).isZero();
    }

    @Test
    void theFirstFiringIsEvaluatedWhenItFiredNotAtItsPastStartTime() {
        ProbeRun run = dispatcher.dispatch(firing(NOW.minusSeconds(40), null));
        assertThat(run.at()).isEqualTo(NOW.minusSeconds(40).plusMillis(3));
    }

    @Test
    void aBrokenEvaluationIsCountedEachTimeButLoggedOnceAMinute() {
        try (LogCapture log = new LogCapture()) {
            for (int i = 0; i < 3; i++) {
                Exchange x = firing(NOW, NOW.minusSeconds(15));
                x.setProperty(ProbeRun.PROPERTY, new ProbeRun(spec, NOW, NOW));
                x.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("state store: down"));
                dispatcher.error(x);
            }
            assertThat(count("error")).isEqualTo(3);
            assertThat(log.lines()).filteredOn(l -> l.contains("state store: down")).hasSize(1);
        }
    }
}
