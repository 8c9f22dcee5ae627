package dev.alerthub.probe;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnnotationTemplateTest {
    private static final AnnotationTemplate.Data DATA = new AnnotationTemplate.Data(0.0734,
            Map.of("namespace", "shop", "deployment", "checkout"), Map.of("calls", "12"));

    private static String render(String text) {
        return AnnotationTemplate.parse(text).render(DATA);
    }

    @Test
    void rendersValueLabelsAndRowsAsPrometheusRulesDo() {
        assertThat(render("Error rate {{ $value }} on {{ $labels.namespace }}/{{ $labels.deployment }}"))
                .isEqualTo("Error rate 0.0734 on shop/checkout");
        assertThat(render("{{ $row.calls }} calls")).isEqualTo("12 calls");
        assertThat(render("no template here")).isEqualTo("no template here");
    }

    @Test
    void appliesFunctionsCalledOrPiped() {
        assertThat(render("{{ $value | humanizePercentage }}")).isEqualTo("7.34%");
        assertThat(render("{{ humanizePercentage $value }}")).isEqualTo("7.34%");
        assertThat(render("{{ $value | printf \"%.2f\" }}")).isEqualTo("0.07");
        assertThat(render("{{ printf \"%.1f\" $value }} x")).isEqualTo("0.1 x");
        assertThat(render("{{ $labels.namespace | toUpper }}")).isEqualTo("SHOP");
        assertThat(render("{{ $value | humanize }}")).isEqualTo("73.4m");
    }

    @Test
    void aMissingLabelRendersEmptyAsInPrometheus() {
        assertThat(render("[{{ $labels.nope }}]")).isEqualTo("[]");
    }

    @Test
    void trimMarkersEatTheWhitespaceBesideThem() {
        assertThat(render("a   {{- $labels.namespace -}}   b")).isEqualTo("ashopb");
    }

    @Test
    void refusesWhatItDoesNotUnderstandWhenParsedNotWhenAlerting() {
        assertThatThrownBy(() -> AnnotationTemplate.parse("{{ $valu }}")).hasMessageContaining("$valu");
        assertThatThrownBy(() -> AnnotationTemplate.parse("{{ $value | humanise }}"))
                .hasMessageContaining("unknown function 'humanise'");
        assertThatThrownBy(() -> AnnotationTemplate.parse("{{ $value")).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> AnnotationTemplate.parse("{{ }}")).hasMessageContaining("empty");
        assertThatThrownBy(() -> AnnotationTemplate.parse("{{ $value | printf \"%d %d\" }}"))
                .hasMessageContaining("exactly one verb");
    }
}
