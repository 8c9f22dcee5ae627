package dev.alerthub.lifecycle;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.notify.TemplateScope;
import dev.alerthub.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The template engine: custom texts, escaping by kind, and the built-in text when a template is missing or broken. */
class TemplatesTest {
    @TempDir
    Path dir;

    static Alert alert() {
        return Alert.of(AlertStatus.FIRING, Map.of("alertname", "HighErrorRate", "severity", "critical",
                        "namespace", "shop", "deployment", "check<out>"),
                Map.of("summary", "5xx > 5% & rising"), Instant.parse("2026-12-02T09:00:00Z"), null, null, "alertmanager");
    }

    @Test
    void aCustomTemplateChangesTheTextAndSeesLabelsAndAnnotations() throws Exception {
        Files.writeString(dir.resolve("slack-text.slack.mustache"),
                "{{STATUS}} {{alertname}} in {{labels.namespace}}/{{labels.deployment}}: {{annotations.summary}}"
                        + "{{#firing}} (since {{startsAt}}){{/firing}}");
        Templates t = Templates.load(dir);
        assertThat(t.problems()).isEmpty();
        assertThat(t.render("slack-text.slack", TemplateScope.alert(alert()), () -> "built-in"))
                .isEqualTo("FIRING HighErrorRate in shop/check&lt;out&gt;: 5xx &gt; 5% &amp; rising"
                        + " (since 2026-12-02T09:00:00Z)");
    }

    @Test
    void valuesAreEscapedForHtmlForSlackOrNotAtAllByTheTemplatesName() throws Exception {
        Files.writeString(dir.resolve("email-body.html.mustache"), "<p>{{labels.deployment}} {{summary}}</p>");
        Files.writeString(dir.resolve("pagerduty-summary.mustache"), "{{labels.deployment}} {{summary}}");
        Templates t = Templates.load(dir);
        Map<String, Object> scope = TemplateScope.alert(alert());
        assertThat(t.render("email-body.html", scope, () -> "")).isEqualTo("<p>check&lt;out&gt; 5xx &gt; 5% &amp; rising</p>");
        assertThat(t.render("pagerduty-summary", scope, () -> "")).isEqualTo("check<out> 5xx > 5% & rising");
    }

    @Test
    void aMissingTemplateOrFolderGivesTheBuiltInText() {
        assertThat(Templates.load(dir).render("slack-text.slack", Map.of(), () -> "built-in")).isEqualTo("built-in");
        assertThat(Templates.load(dir.resolve("absent")).render("x", Map.of(), () -> "built-in")).isEqualTo("built-in");
    }

    @Test
    void aBrokenTemplateIsReportedWithFileAndLineAndFallsBack() throws Exception {
        Path f = dir.resolve("slack-text.slack.mustache");
        Files.writeString(f, "{{alertname}}\n{{#firing}}\nfiring since {{startsAt}}\n");
        try (LogCapture log = new LogCapture()) {
            Templates t = Templates.load(dir);
            assertThat(t.problems()).singleElement().satisfies(p -> {
                assertThat(p.file()).isEqualTo(f);
                assertThat(p.line()).isBetween(2, 4);
                assertThat(p.message()).contains("firing");
            });
            assertThat(Templates.check(dir)).hasSize(1);
            assertThat(t.render("slack-text.slack", TemplateScope.alert(alert()), () -> "built-in")).isEqualTo("built-in");
            assertThat(log.lines()).anyMatch(l -> l.startsWith("Template broken, the built-in text is used instead: "
                    + f + ":"));
        }
    }

    @Test
    void aTemplateThatFailsWhileRenderingFallsBackAndIsReportedOnce() throws Exception {
        Files.writeString(dir.resolve("subject.mustache"), "[{{status}}] {{boom}}");
        Map<String, Object> exploding = new HashMap<>() {
            @Override
            public Object get(Object key) {
                if ("boom".equals(key)) {
                    throw new IllegalStateException("no boom today");
                }
                return super.get(key);
            }

            @Override
            public boolean containsKey(Object key) {
                return "boom".equals(key) || super.containsKey(key);
            }
        };
        exploding.put("status", "firing");
        try (LogCapture log = new LogCapture()) {
            Templates t = Templates.load(dir);
            assertThat(t.render("subject", exploding, () -> "built-in")).isEqualTo("built-in");
            assertThat(t.render("subject", exploding, () -> "built-in")).isEqualTo("built-in");
            assertThat(log.lines().stream().filter(l -> l.startsWith("Template subject.mustache failed to render")))
                    .hasSize(1);
        }
    }

    @Test
    void aPartialIsReadFromTheSameFolderAndAMissingOneIsAProblem() throws Exception {
        Files.writeString(dir.resolve("footer.mustache"), "-- {{source}}");
        Files.writeString(dir.resolve("text.mustache"), "{{alertname}} {{> footer}}");
        Files.writeString(dir.resolve("other.mustache"), "{{> nowhere}}");
        Templates t = Templates.load(dir);
        assertThat(t.render("text", TemplateScope.alert(alert()), () -> "")).isEqualTo("HighErrorRate -- alertmanager");
        assertThat(t.problems()).singleElement().satisfies(p -> assertThat(p.file()).isEqualTo(dir.resolve("other.mustache")));
    }

    @Test
    void theShippedTemplatesCompileAndSayWhatTheBuiltInTextsSay() {
        Templates t = Templates.load(Path.of("config/templates"));
        assertThat(t.problems()).isEmpty();
        Map<String, Object> scope = TemplateScope.alert(alert());
        assertThat(t.render("slack-text.slack", scope, () -> "")).isEqualTo(
                "[FIRING] HighErrorRate shop/check&lt;out&gt; (critical): 5xx &gt; 5% &amp; rising");
        assertThat(t.render("pagerduty-summary", scope, () -> "")).isEqualTo(
                "[FIRING] HighErrorRate shop/check<out>: 5xx > 5% & rising");
        assertThat(t.render("email-subject", scope, () -> "")).isEqualTo("[FIRING] HighErrorRate shop/check<out> (critical)");
        Alert bare = Alert.of(AlertStatus.RESOLVED, Map.of("alertname", "Watchdog"), Map.of(),
                Instant.parse("2026-12-02T09:00:00Z"), Instant.parse("2026-12-02T09:05:00Z"), null, "alertmanager");
        assertThat(t.render("email-subject", TemplateScope.alert(bare), () -> "")).isEqualTo("[RESOLVED] Watchdog (warning)");
    }
}
