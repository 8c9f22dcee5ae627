package dev.alerthub.probe;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusQueryTest {
    @Test
    void theQueryIsUrlEncodedWholeSoNoCharacterOfItCanChangeTheRequest() {
        String q = "sum(rate(http_requests_total{code=~\"5..\",path=\"/a&b=c\"}[2m])) / 2 + 1";
        String qs = PrometheusQuery.queryString(q, 1_795_389_105_072L, Duration.ofSeconds(10));
        assertThat(qs).startsWith("query=").contains("&time=1795389105.072&timeout=10000ms");
        String encoded = qs.substring("query=".length(), qs.indexOf("&time="));
        assertThat(encoded).doesNotContain("&", "=", " ", "\"", "{").contains("%2B");
        assertThat(URLDecoder.decode(encoded, StandardCharsets.UTF_8)).isEqualTo(q);
    }

    @Test
    void credentialsInThePrometheusUrlNeverReachTheProbeFailure() {
        PrometheusQuery query = new PrometheusQuery(Duration.ofSeconds(1), "http://user:secret@prom:9090");
        Exchange failed = new DefaultExchange(new DefaultCamelContext());
        failed.setProperty(Exchange.EXCEPTION_CAUGHT,
                new ConnectException("Connect to http://user:secret@prom:9090 failed"));
        ProbeResult result = query.unreachable(failed);
        assertThat(result.error()).contains("prom:9090").doesNotContain("secret");
    }
}
