package dev.alerthub.probe;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SqlQueryTest {
    static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");

    static ProbeSpec spec(String... extra) {
        Map<String, String> p = new LinkedHashMap<>(Map.of("id", "x", "every", "1m", "datasource", "db",
                "sql", "SELECT 1 AS value", "op", ">", "threshold", "0", "severity", "warning"));
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return ProbeSpecTest.parse(ProbeKind.SQL, p);
    }

    static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void eachRowIsASampleLabelledByItsOtherColumns() {
        ProbeResult r = SqlQuery.toResult(spec(), AT, List.of(
                row("SHARD", "a", "VALUE", new BigDecimal("12.50")), row("SHARD", "b", "VALUE", 3L)));
        assertThat(r.samples()).extracting(s -> s.labels() + "=" + s.value())
                .containsExactly("{shard=a}=12.5", "{shard=b}=3.0");
        assertThat(r.samples().get(0).row()).containsEntry("value", "12.5").containsEntry("shard", "a");
    }

    @Test
    void labelColumnsChooseTheLabelsAndTheOtherColumnsStayReadable() {
        ProbeResult r = SqlQuery.toResult(spec("labelColumns", "queryid"), AT,
                List.of(row("queryid", "42", "query", "SELECT * FROM big", "value", 900.0)));
        assertThat(r.samples().get(0).labels()).containsExactly(Map.entry("queryid", "42"));
        assertThat(r.samples().get(0).row()).containsEntry("query", "SELECT * FROM big");
    }

    @Test
    void aTimeIsItsAgeInSecondsAndNullIsNoData() {
        ProbeResult r = SqlQuery.toResult(spec(), AT, List.of(
                row("t", "ts", "value", Timestamp.from(AT.minusSeconds(7300))),
                row("t", "odt", "value", OffsetDateTime.ofInstant(AT.minusSeconds(60), ZoneOffset.UTC)),
                row("t", "null", "value", null)));
        assertThat(r.samples()).extracting(ProbeResult.Sample::value).containsExactly(7300.0, 60.0, Double.NaN);
    }

    @Test
    void aMissingValueColumnOrLabelColumnIsAFailureNamingTheColumns() {
        assertThat(SqlQuery.toResult(spec(), AT, List.of(row("n", 1))).error())
                .contains("no column 'value'").contains("columns: n").contains("AS value");
        assertThat(SqlQuery.toResult(spec("labelColumns", "region"), AT, List.of(row("value", 1))).error())
                .contains("'region'");
        assertThat(SqlQuery.toResult(spec(), AT, List.of(row("value", "high"))).error())
                .contains("neither a number nor a time");
    }

    @Test
    void noRowsIsNoData() {
        assertThat(SqlQuery.toResult(spec(), AT, List.of()).samples()).isEmpty();
    }
}
