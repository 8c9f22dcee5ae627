package dev.alerthub.alert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.support.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class FingerprintsTest {

    @Test
    void fingerprintOfLabelsEqualsAlertmanagersForEveryCapturedAlert() throws Exception {
        int checked = 0;
        for (String name : new String[] {"webhook-firing-critical", "webhook-truncated-mixed", "webhook-mixed",
                "webhook-prometheus-originated", "webhook-truncated-firing-startsat-in-past"}) {
            JsonNode payload = Json.MAPPER.readTree(Fixtures.webhook(name));
            for (JsonNode alert : payload.path("alerts")) {
                Map<String, String> labels = new TreeMap<>();
                alert.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                assertThat(Fingerprints.of(labels)).as(name).isEqualTo(alert.path("fingerprint").asText());
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(8);
    }

    @Test
    void labelOrderDoesNotMatter() {
        assertThat(Fingerprints.of(Map.of("a", "1", "b", "2")))
                .isEqualTo(Fingerprints.of(new TreeMap<>(Map.of("b", "2", "a", "1"))));
        assertThat(Fingerprints.of(Map.of("a", "1"))).isNotEqualTo(Fingerprints.of(Map.of("a", "2")));
    }

    @Test
    void utf8LabelNamesAreSortedByTheirBytesAsGoSortsThem() {
        // U+FFFD sorts before U+1F600 in UTF-8 (Go) but after it in UTF-16 (Java's compareTo); the
        // expected value is an independent implementation of model.LabelSet.Fingerprint over UTF-8 bytes
        assertThat(Fingerprints.of(Map.of("alertname", "X", "\uFFFD", "a", "\uD83D\uDE00", "b")))
                .isEqualTo("d9a63211d5d5efb9");
        assertThat(Fingerprints.of(Map.of("alertname", "X", "k8s.namespace.name", "shop")))
                .isEqualTo("bdab0803e3d3f946");
    }
}
