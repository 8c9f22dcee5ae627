package dev.alerthub.alert;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Alertmanager's inhibition semantics for one rule (prometheus/alertmanager inhibit/inhibit.go). */
class InhibitRuleTest {
    static final InhibitRule NODE_DOWN = new InhibitRule("node-down", Matchers.parse("{alertname=\"NodeDown\"}"),
            Matchers.parse("{severity=\"warning\"}"), List.of("node", "cluster"));

    @Test
    void aSourceInhibitsATargetOnlyWhenEveryEqualLabelHasTheSameValue() {
        Map<String, String> source = Map.of("alertname", "NodeDown", "node", "n1", "cluster", "eu");
        assertThat(NODE_DOWN.inhibits(source, Map.of("alertname", "Disk", "severity", "warning", "node", "n1",
                "cluster", "eu"))).isTrue();
        assertThat(NODE_DOWN.inhibits(source, Map.of("alertname", "Disk", "severity", "warning", "node", "n2",
                "cluster", "eu"))).as("another node").isFalse();
        assertThat(NODE_DOWN.inhibits(source, Map.of("alertname", "Disk", "severity", "warning", "node", "n1")))
                .as("cluster missing on the target only").isFalse();
    }

    @Test
    void anEqualLabelMissingOnBothSidesCountsAsEqual() {
        assertThat(NODE_DOWN.inhibits(Map.of("alertname", "NodeDown", "node", "n1"),
                Map.of("alertname", "Disk", "severity", "warning", "node", "n1"))).isTrue();
    }

    @Test
    void theTargetAndSourceMatchersMustHold() {
        Map<String, String> source = Map.of("alertname", "NodeDown", "node", "n1");
        assertThat(NODE_DOWN.inhibits(source, Map.of("alertname", "Disk", "severity", "critical", "node", "n1")))
                .as("not a target").isFalse();
        assertThat(NODE_DOWN.inhibits(Map.of("alertname", "NodeSlow", "node", "n1"),
                Map.of("alertname", "Disk", "severity", "warning", "node", "n1"))).as("not a source").isFalse();
    }

    @Test
    void anAlertNeverInhibitsItselfNorDoTwoAlertsMatchingBothSidesInhibitEachOther() {
        InhibitRule anyCritical = new InhibitRule("crit", Matchers.parse("{severity=\"critical\"}"),
                Matchers.parse("{team=\"db\"}"), List.of());
        Map<String, String> both = Map.of("alertname", "A", "severity", "critical", "team", "db");
        assertThat(anyCritical.inhibits(both, both)).isFalse();
        Map<String, String> alsoBoth = Map.of("alertname", "B", "severity", "critical", "team", "db");
        assertThat(anyCritical.inhibits(alsoBoth, both)).isFalse();
        assertThat(anyCritical.inhibits(Map.of("alertname", "C", "severity", "critical", "team", "web"), both))
                .as("a source that is no target still inhibits").isTrue();
    }
}
