package dev.alerthub.notify;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SinkSettingsTest {
    private final Map<String, String> props = Map.of(
            "alerthub.slack.webhook-url", "https://hooks/default",
            "alerthub.slack.targets.payments.webhook-url", "https://hooks/payments",
            "alerthub.slack.targets.blank.webhook-url", "  ");
    private final SinkSettings settings = new SinkSettings("slack", k -> Optional.ofNullable(props.get(k)));

    @Test
    void aTargetUsesItsOwnSetting() {
        assertThat(settings.get("payments", "webhook-url")).hasValue("https://hooks/payments");
        assertThat(settings.get("", "webhook-url")).hasValue("https://hooks/default");
    }

    @Test
    void aTargetWithoutItsOwnSettingFallsBackToTheDefaultRatherThanToALogLine() {
        assertThat(settings.get("search", "webhook-url")).hasValue("https://hooks/default");
        assertThat(settings.get("blank", "webhook-url")).hasValue("https://hooks/default");
        assertThat(new SinkSettings("pagerduty", k -> Optional.empty()).get("x", "routing-key")).isEmpty();
    }
}
