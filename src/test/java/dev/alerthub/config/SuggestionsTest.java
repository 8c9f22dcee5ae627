package dev.alerthub.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SuggestionsTest {

    @Test
    void aTypoGetsTheClosestNameAndNonsenseGetsNone() {
        List<String> known = List.of("threshold", "severity", "every", "query");
        assertThat(Suggestions.closest("treshold", known)).hasValue("threshold");
        assertThat(Suggestions.closest("Severty", known)).hasValue("severity");
        assertThat(Suggestions.closest("banana", known)).isEmpty();
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    }
}
