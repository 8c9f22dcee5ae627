package dev.alerthub.notify;

import dev.alerthub.admin.HubMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SinkRetryTest {
    final SinkRetry retry = new SinkRetry(Duration.ofSeconds(30), new HubMetrics(new SimpleMeterRegistry()), null, 1000);

    static HttpOperationFailedException failure(int status, Map<String, String> headers) {
        return new HttpOperationFailedException("http://x", status, "s", null, headers, "body");
    }

    Exchange failed(Throwable t) {
        Exchange ex = new DefaultExchange(new DefaultCamelContext());
        ex.setException(t);
        return ex;
    }

    @Test
    void only4xxThatRepeatingCannotFixArePermanent() {
        assertThat(retry.isPermanent(failed(failure(400, Map.of())))).isTrue();
        assertThat(retry.isPermanent(failed(failure(404, Map.of())))).isTrue();
        assertThat(retry.isPermanent(failed(failure(429, Map.of())))).isFalse();
        assertThat(retry.isPermanent(failed(failure(408, Map.of())))).isFalse();
        assertThat(retry.isPermanent(failed(failure(503, Map.of())))).isFalse();
        assertThat(retry.isPermanent(failed(new java.net.ConnectException("refused")))).isFalse();
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
    void aRetryAfterSetsTheNextDelayAndAPlainFailureFallsBackToBackoff() {
        Exchange ex = failed(failure(429, Map.of("Retry-After", "1")));
        retry.process(ex);
        assertThat(ex.getMessage().getHeader(Exchange.REDELIVERY_DELAY, Long.class)).isEqualTo(1000L);
        ex.setException(failure(500, Map.of()));
        retry.process(ex);
        assertThat(ex.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isNull();
        assertThat(ex.getProperty(SinkRetry.FAILURES, Integer.class)).isEqualTo(2);
    }
}
