package dev.alerthub.notify;

import dev.alerthub.admin.HubMetrics;
import dev.alerthub.store.Backoff;
import dev.alerthub.store.Deliveries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SinkRetryTest {
    final SinkRetry retry = new SinkRetry(Clock.systemUTC(), new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1)),
            Duration.ofHours(1), Duration.ofSeconds(30), null, null, null, new HubMetrics(new SimpleMeterRegistry()));

    static HttpOperationFailedException failure(int status, Map<String, String> headers) {
        return new HttpOperationFailedException("http://x", status, "s", null, headers, "body");
    }

    @Test
    void only4xxThatRepeatingCannotFixArePermanent() {
        assertThat(SinkRetry.isPermanent(failure(400, Map.of()))).isTrue();
        assertThat(SinkRetry.isPermanent(failure(404, Map.of()))).isTrue();
        assertThat(SinkRetry.isPermanent(failure(429, Map.of()))).isFalse();
        assertThat(SinkRetry.isPermanent(failure(408, Map.of()))).isFalse();
        assertThat(SinkRetry.isPermanent(failure(503, Map.of()))).isFalse();
        assertThat(SinkRetry.isPermanent(new java.net.ConnectException("refused"))).isFalse();
        assertThat(SinkRetry.isTransient(new java.net.ConnectException("refused"))).isTrue();
    }

    @Test
    void retryAfterIsReadAsSecondsOrHttpDateAndCapped() {
        assertThat(retry.retryAfterMillis(failure(429, Map.of("Retry-After", "2")))).isEqualTo(2000);
        assertThat(retry.retryAfterMillis(failure(429, Map.of("retry-after", "0.5")))).isEqualTo(500);
        assertThat(retry.retryAfterMillis(failure(429, Map.of("Retry-After", "3600")))).isEqualTo(30_000);
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(10));
        assertThat(retry.retryAfterMillis(failure(503, Map.of("Retry-After", inTenSeconds))))
                .isBetween(8_000L, 10_000L);
        assertThat(retry.retryAfterMillis(failure(429, Map.of("Retry-After", "soon")))).isNull();
        assertThat(retry.retryAfterMillis(failure(429, Map.of()))).isNull();
    }

    @Test
    void backoffDoublesWithJitterAndNeverExceedsItsCap() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));
        for (int i = 0; i < 50; i++) {
            assertThat(b.after(1)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
            assertThat(b.after(3)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
            assertThat(b.after(40)).isBetween(Duration.ofSeconds(30), Duration.ofMinutes(1));
        }
    }

    @Test
    void pacingSpacesSendsToOneTargetAndHonoursAPause() {
        SinkPacing pacing = new SinkPacing();
        Instant t = Instant.parse("2026-12-02T10:00:00Z");
        Duration second = Duration.ofSeconds(1);
        assertThat(pacing.reserve("slack|", second, t, second)).isZero();
        assertThat(pacing.reserve("slack|", second, t, second)).isEqualTo(second);
        assertThat(pacing.reserve("slack|", second, t, second)).as("too far: not reserved")
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(pacing.reserve("slack|ops", second, t, second)).as("another webhook").isZero();
        pacing.pauseUntil("slack|ops", t.plusSeconds(30));
        assertThat(pacing.reserve("slack|ops", second, t, second)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anOpenCircuitSendsNothingAndNamesWhenToTryAgain() {
        DeliveryGate gate = new DeliveryGate(Clock.systemUTC(), Duration.ofSeconds(15), 2, Map.of(), Duration.ofSeconds(1),
                SinkRetry::isTransient);
        Exchange ex = new DefaultExchange(new DefaultCamelContext());
        ex.setProperty(Deliveries.SINK, "pagerduty");
        ex.setProperty(Deliveries.DELIVERY_ID, 1L);
        for (int i = 0; i < 2; i++) {
            assertThat(admit(gate, ex)).isNull();
            gate.failed(ex, failure(500, Map.of()), null);
        }
        assertThat(gate.state("pagerduty", "")).isEqualTo("OPEN");
        Throwable refused = admit(gate, ex);
        assertThat(refused).isInstanceOf(DeliveryGate.NotNow.class);
        assertThat(((DeliveryGate.NotNow) refused).until()).isAfter(Instant.now().plusSeconds(10));
        assertThat(gate.state("slack", "")).as("one circuit per sink and target").isEqualTo("CLOSED");
        ex.removeProperty(Deliveries.DELIVERY_ID);
        assertThat(admit(gate, ex)).as("a person's replay is not held back by the circuit").isNull();
        assertThatThrownBy(() -> { throw refused; }).hasMessageContaining("circuit open");
    }

    private static Throwable admit(DeliveryGate gate, Exchange ex) {
        try {
            gate.admit(ex);
            return null;
        } catch (Exception e) {
            return e;
        }
    }
}
