package dev.alerthub.probe;

import dev.alerthub.support.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Against Prometheus 2.42's captured answers (src/test/resources/fixtures/prometheus/). */
class PrometheusResponseTest {
    private static ProbeResult parse(int status, String fixture) {
        return PrometheusResponse.parse(status, Fixtures.text("prometheus/" + fixture));
    }

    @Test
    void aVectorIsOneSamplePerSeriesWithItsLabels() {
        ProbeResult r = parse(200, "query-vector.json");
        assertThat(r.failed()).isFalse();
        assertThat(r.samples()).hasSize(2);
        assertThat(r.samples().get(0).labels()).containsEntry("instance", "127.0.0.1:19090")
                .containsEntry("job", "prometheus").containsEntry("__name__", "up");
        assertThat(r.samples().get(0).value()).isEqualTo(1.0);
    }

    @Test
    void aScalarIsOneSampleWithoutLabels() {
        ProbeResult r = parse(200, "query-scalar.json");
        assertThat(r.samples()).singleElement().satisfies(s -> {
            assertThat(s.labels()).isEmpty();
            assertThat(s.value()).isEqualTo(2.0);
        });
    }

    @Test
    void nanValuesStayNanNeverZero() {
        ProbeResult r = parse(200, "query-histogram-quantile.json");
        assertThat(r.samples()).hasSize(9);
        assertThat(r.samples()).filteredOn(s -> Double.isNaN(s.value())).hasSize(3);
        assertThat(r.samples()).filteredOn(s -> s.labels().equals(Map.of("handler", "/metrics")))
                .singleElement().extracting(ProbeResult.Sample::value).isEqualTo(0.095);
    }

    @Test
    void anEmptyVectorIsAResultWithoutSamples() {
        ProbeResult r = parse(200, "query-empty.json");
        assertThat(r.failed()).isFalse();
        assertThat(r.samples()).isEmpty();
    }

    @Test
    void errorAnswersFailNamingPrometheusReason() {
        assertThat(parse(400, "query-error-bad-data.json").error())
                .isEqualTo("Prometheus refused the query (HTTP 400, bad_data): invalid parameter \"query\": "
                        + "1:33: parse error: unclosed left parenthesis");
        assertThat(parse(422, "query-error-execution.json").error()).contains("HTTP 422, execution")
                .contains("many-to-many matching not allowed");
        assertThat(parse(503, "query-error-timeout.json").error()).contains("timeout")
                .contains("query timed out in expression evaluation");
    }

    @Test
    void stringsAndRangeVectorsAreNotSomethingToCompare() {
        assertThat(parse(200, "query-string.json").error()).contains("returns a string");
        assertThat(parse(200, "query-instant-range-selector.json").error()).contains("range vector");
    }

    @Test
    void anAnswerThatIsNotTheApiIsAFailureQuotingIt() {
        assertThat(parse(404, "query-notfound-endpoint.txt").error())
                .isEqualTo("Prometheus answered HTTP 404 without its API JSON: 404 page not found");
        assertThat(PrometheusResponse.parse(502, "").error()).contains("HTTP 502");
    }

    @Test
    void infinitiesAreNumbers() {
        ProbeResult r = PrometheusResponse.parse(200, """
                {"status":"success","data":{"resultType":"vector","result":[
                 {"metric":{"a":"1"},"value":[1,"+Inf"]},{"metric":{"a":"2"},"value":[1,"-Inf"]}]}}""");
        assertThat(r.samples()).extracting(ProbeResult.Sample::value)
                .containsExactly(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    }
}
