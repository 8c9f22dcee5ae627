package dev.alerthub.probe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ValuesTest {
    @Test
    void valuesPrintLikePrometheusPrintsValue() {
        assertThat(Values.plain(0.05)).isEqualTo("0.05");
        assertThat(Values.plain(5.0)).isEqualTo("5");
        assertThat(Values.plain(1234.5)).isEqualTo("1234.5");
        assertThat(Values.plain(0.00001)).isEqualTo("1e-05");
        assertThat(Values.plain(1e22)).isEqualTo("1e+22");
        assertThat(Values.plain(Double.NaN)).isEqualTo("NaN");
        assertThat(Values.plain(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(Values.plain(0)).isEqualTo("0");
    }

    @Test
    void humanizeFunctionsMatchPrometheus() {
        assertThat(Values.humanize(1234567)).isEqualTo("1.235M");
        assertThat(Values.humanize(999)).isEqualTo("999");
        assertThat(Values.humanize(0.0012)).isEqualTo("1.2m");
        assertThat(Values.humanizePercentage(0.0512)).isEqualTo("5.12%");
        assertThat(Values.humanizePercentage(0.5)).isEqualTo("50%");
        assertThat(Values.humanizeDuration(0.512)).isEqualTo("512ms");
        assertThat(Values.humanizeDuration(7322)).isEqualTo("2h 2m 2s");
        assertThat(Values.humanizeDuration(90061)).isEqualTo("1d 1h 1m 1s");
        assertThat(Values.humanizeDuration(42)).isEqualTo("42s");
    }
}
