package dev.alerthub.alert;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class MatchersTest {

    @Test
    void regexesAreAnchoredAtBothEndsAsAlertmanagerAnchorsThem() {
        Matcher m = Matcher.of("alertname", Matcher.Type.REGEX, "High.*");
        assertThat(m.matches(Map.of("alertname", "HighLatency"))).isTrue();
        assertThat(m.matches(Map.of("alertname", "NotHighLatency"))).isFalse();
        // RE2's $ is the end of the text: no match before a trailing newline, as in Go
        assertThat(Matcher.of("a", Matcher.Type.REGEX, "x$").matches(Map.of("a", "x\n"))).isFalse();
        // a value cannot escape the anchoring group
        assertThatThrownBy(() -> Matcher.of("a", Matcher.Type.REGEX, "a)|(b"))
                .isInstanceOf(InvalidMatcherException.class).hasMessageContaining("not a valid RE2 regex");
    }

    @Test
    void aMissingLabelIsTheEmptyStringAndNegationInvertsTheMatch() {
        assertThat(Matcher.of("team", Matcher.Type.EQUAL, "").matches(Map.of())).isTrue();
        assertThat(Matcher.of("team", Matcher.Type.NOT_EQUAL, "dev").matches(Map.of())).isTrue();
        assertThat(Matcher.of("team", Matcher.Type.NOT_REGEX, "d.*").matches(Map.of("team", "dev"))).isFalse();
    }

    @Test
    void aNestedQuantifierAgainstACraftedValueIsDecidedInLinearTime() {
        Matcher m = Matcher.of("path", Matcher.Type.REGEX, "(.*a){16}$");
        String crafted = "a".repeat(48) + "b";
        // java.util.regex needs hours for this one (design-notes.md); RE2 microseconds
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertThat(m.matches(Map.of("path", crafted))).isFalse());
        assertThat(m.matches(Map.of("path", "a".repeat(16)))).isTrue();
    }

    @Test
    void alertmanagersMatcherSyntaxIsReadWithAndWithoutBracesQuotesAndEscapes() {
        assertThat(Matchers.parse("{alertname=~\"High.*\", namespace!=\"dev\"}").all()).containsExactly(
                Matcher.of("alertname", Matcher.Type.REGEX, "High.*"),
                Matcher.of("namespace", Matcher.Type.NOT_EQUAL, "dev"));
        assertThat(Matchers.parse("alertname=HighLatency,severity!~info|debug,").all()).containsExactly(
                Matcher.of("alertname", Matcher.Type.EQUAL, "HighLatency"),
                Matcher.of("severity", Matcher.Type.NOT_REGEX, "info|debug"));
        assertThat(Matchers.parse("{\"service.name\"=\"caf\\u00e9 \\\"bar\\\"\", path=~\"a\\\\.b\"}").all()).containsExactly(
                Matcher.of("service.name", Matcher.Type.EQUAL, "café \"bar\""),
                Matcher.of("path", Matcher.Type.REGEX, "a\\.b"));
        assertThat(Matchers.parse("{ }").all()).isEmpty();
        assertThat(Matchers.parse("{ foo = \"bar\" }").all()).containsExactly(Matcher.of("foo", Matcher.Type.EQUAL, "bar"));
    }

    @Test
    void whatMatchersPrintsItReadsBack() {
        Matchers m = new Matchers(List.of(Matcher.of("a b", Matcher.Type.EQUAL, "x\"y\\z\n"),
                Matcher.of("c", Matcher.Type.NOT_REGEX, "d|e")));
        assertThat(Matchers.parse(m.toString())).isEqualTo(m);
    }

    @Test
    void badExpressionsAreRefusedSayingWhere() {
        assertThatThrownBy(() -> Matchers.parse("{foo=\"bar\"")).hasMessageContaining("expected a close brace");
        assertThatThrownBy(() -> Matchers.parse("foo=\"bar\"}")).hasMessageContaining("without an opening brace");
        assertThatThrownBy(() -> Matchers.parse("{foo}")).hasMessageContaining("expected an operator");
        assertThatThrownBy(() -> Matchers.parse("{foo=}")).hasMessageContaining("expected a label value");
        assertThatThrownBy(() -> Matchers.parse("{foo=\"bar\" baz=\"x\"}")).hasMessageContaining("expected a comma");
        assertThatThrownBy(() -> Matchers.parse("{foo=\"a\\.b\"}")).hasMessageContaining("unknown escape \\.");
        assertThatThrownBy(() -> Matchers.parse("{foo=\"bar}")).hasMessageContaining("without its closing quote");
        assertThatThrownBy(() -> Matchers.parse("{foo=~\"(\"}")).hasMessageContaining("foo=~\"(\": not a valid RE2 regex");
        assertThatThrownBy(() -> Matchers.parse("{\"\"=\"x\"}")).hasMessageContaining("the label name is empty");
        assertThatThrownBy(() -> Matchers.parse("{a=\"\ud800\"}")).hasMessageContaining("invalid UTF-8");
        assertThatThrownBy(() -> Matchers.parse("{a=\"\\xff\"}")).hasMessageContaining("invalid UTF-8");
        assertThat(Matchers.parse("{a=\"\ud83d\ude00\"}").all()).containsExactly(Matcher.of("a", Matcher.Type.EQUAL, "\ud83d\ude00"));
    }

    @Test
    void theJsonShapeIsAlertmanagersAndReadsBackCompiled() {
        Matchers m = Json.read("[{\"name\":\"a\",\"value\":\"b.*\",\"isRegex\":true},{\"name\":\"c\",\"value\":\"d\"}]",
                Matchers.class);
        assertThat(m.matches(Map.of("a", "bcd", "c", "d"))).isTrue();
        assertThat(Json.write(m)).isEqualTo("[{\"name\":\"a\",\"value\":\"b.*\",\"isRegex\":true,\"isEqual\":true},"
                + "{\"name\":\"c\",\"value\":\"d\",\"isRegex\":false,\"isEqual\":true}]");
    }
}
