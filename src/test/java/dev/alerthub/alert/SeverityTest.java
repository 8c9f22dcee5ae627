package dev.alerthub.alert;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SeverityTest {

    @Test
    void knownSeveritiesAreKeptInAnyCase() {
        assertThat(Severity.of("critical")).isEqualTo(Severity.CRITICAL);
        assertThat(Severity.of("INFO")).isEqualTo(Severity.INFO);
        assertThat(Severity.of(" Warning ")).isEqualTo(Severity.WARNING);
        assertThat(Severity.noteFor(Map.of("severity", "critical"))).isNull();
    }

    @Test
    void unknownOrMissingSeverityIsWarningAndSaysSo() {
        assertThat(Severity.of("page")).isEqualTo(Severity.WARNING);
        assertThat(Severity.of(null)).isEqualTo(Severity.WARNING);
        assertThat(Severity.noteFor(Map.of("severity", "page"))).contains("'page'").contains("treated as warning");
        assertThat(Severity.noteFor(Map.of())).contains("no severity label");
    }
}
