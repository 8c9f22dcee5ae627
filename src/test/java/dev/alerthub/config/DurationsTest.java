package dev.alerthub.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {
    @Test
    void readsPrometheusDurations() {
        assertThat(Durations.parse("15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("0")).isZero();
        assertThat(Durations.parse("1w")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    }

    @Test
    void refusesBareNumbersAndWords() {
        assertThatThrownBy(() -> Durations.parse("2")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse("2 min")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse("")).hasMessageContaining("not a duration");
    }
}
