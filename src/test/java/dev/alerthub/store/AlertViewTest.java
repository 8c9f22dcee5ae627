package dev.alerthub.store;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The intake's dedup view stays bounded: it forgets resolved, idle and (beyond its size) the oldest alerts. */
class AlertViewTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private final AlertView view = new AlertView(100, Duration.ofMinutes(15), Duration.ofHours(6));

    private static Alert firing(int n) {
        return Alert.of(AlertStatus.FIRING, Map.of("alertname", "A" + n), Map.of(), T0, null, null, "alertmanager");
    }

    @Test
    void anUnchangedResendIsRecognisedAndAChangeIsNot() {
        view.stored(firing(1), 0);
        assertThat(view.unchanged(firing(1), 1)).isTrue();
        assertThat(view.unchanged(firing(1).withStatus(AlertStatus.RESOLVED, T0.plusSeconds(60)), 1)).isFalse();
        assertThat(view.unchanged(firing(2), 1)).isFalse();
    }

    @Test
    void resolvedAlertsAreForgottenAfterResolvedForAndFiringOnesAfterIdleFor() {
        long minute = 60_000;
        view.stored(firing(1).withStatus(AlertStatus.RESOLVED, T0.plusSeconds(60)), 0);
        view.stored(firing(2), 0);
        view.stored(firing(3), 0);
        view.sweep(16 * minute);
        assertThat(view.size()).as("the resolved one is gone").isEqualTo(2);
        // alert 3 is re-sent (unchanged) every few hours, alert 2 no more
        assertThat(view.unchanged(firing(3), 5 * 60 * minute)).isTrue();
        view.sweep(6 * 60 * minute + 1);
        assertThat(view.unchanged(firing(3), 6 * 60 * minute + 2)).isTrue();
        assertThat(view.unchanged(firing(2), 6 * 60 * minute + 2)).as("idle: forgotten").isFalse();
    }

    @Test
    void beyondItsBoundTheResolvedThenTheLeastRecentlySeenAreForgotten() {
        for (int i = 0; i < 150; i++) {
            Alert a = firing(i);
            view.stored(i % 10 == 0 ? a.withStatus(AlertStatus.RESOLVED, T0.plusSeconds(1)) : a, i);
        }
        assertThat(view.full()).isTrue();
        view.sweep(200);
        assertThat(view.size()).isEqualTo(90);
        assertThat(view.unchanged(firing(149), 201)).as("the most recent stays").isTrue();
        assertThat(view.unchanged(firing(1), 201)).as("the oldest firing goes").isFalse();
    }
}
