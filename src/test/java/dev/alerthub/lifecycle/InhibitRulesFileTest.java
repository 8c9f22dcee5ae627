package dev.alerthub.lifecycle;

import dev.alerthub.alert.InhibitRule;
import dev.alerthub.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** inhibit-rules.yaml: Alertmanager's inhibit_rules syntax, every problem at its line, reload keeps the last good rules. */
class InhibitRulesFileTest {
    @TempDir
    Path dir;

    @Test
    void theShippedFileHasNoProblems() {
        assertThat(InhibitRulesFile.check(Path.of("config/inhibit-rules.yaml"))).isEmpty();
    }

    @Test
    void alertmanagersSyntaxIsReadWithMatcherStringsAndATopLevelKey() throws Exception {
        Path f = write("""
                inhibit_rules:
                  - name: node-down
                    source_matchers: ['alertname="NodeDown"', 'severity=~"crit.*"']
                    target_matchers:
                      - severity!="critical"
                    equal: [node]
                  - source_matchers: ['{alertname="ClusterDown"}']
                    target_matchers: ['cluster="eu"']
                """);
        InhibitRulesFile.Parsed parsed = InhibitRulesFile.read(f);
        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.rules()).extracting(InhibitRule::name).containsExactly("node-down", "rule-2");
        InhibitRule rule = parsed.rules().get(0);
        assertThat(rule.source()).isEqualTo(dev.alerthub.alert.Matchers.parse("{alertname=\"NodeDown\", severity=~\"crit.*\"}"));
        assertThat(rule.equal()).containsExactly("node");
        assertThat(rule.inhibits(Map.of("alertname", "NodeDown", "severity", "critical", "node", "a"),
                Map.of("alertname", "X", "severity", "warning", "node", "a"))).isTrue();
    }

    @Test
    void everyProblemIsReportedAtItsOwnLine() throws Exception {
        Path f = write("""
                - name: one
                  source_matchers: ['alertname="NodeDown"']
                  target_matchers: ['severity=~"(unclosed"']
                  equal: [node]
                - name: two
                  source_matchers: ['alertname="A"']
                  target_matcher: ['severity="warning"']
                - name: three
                  source_match: {alertname: B}
                  target_matchers: ['severity="warning"']
                  equal: ['not a label']
                - name: one
                  source_matchers: ['alertname="C"']
                  target_matchers: ['severity="info"']
                """);
        List<String> problems = InhibitRulesFile.check(f).stream().map(FileProblem::toString).toList();
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(f + ":3: target_matchers: severity=~\"(unclosed\""))
                .anySatisfy(p -> assertThat(p).startsWith(f + ":7: unknown key 'target_matcher' (did you mean target_matchers?)"))
                .anySatisfy(p -> assertThat(p).startsWith(f + ":9: source_match is Alertmanager's deprecated form"))
                .anySatisfy(p -> assertThat(p).startsWith(f + ":11: equal: 'not a label' is not a label name"))
                .anySatisfy(p -> assertThat(p).startsWith(f + ":12: inhibit rule 'one' is defined twice"));
    }

    @Test
    void brokenYamlIsReportedWithItsLine() throws Exception {
        Path f = write("""
                - name: one
                  source_matchers: ['alertname="A"'
                  target_matchers: ['severity="warning"']
                """);
        assertThat(InhibitRulesFile.check(f)).singleElement().satisfies(p -> {
            assertThat(p.line()).isBetween(2, 3);
            assertThat(p.message()).startsWith("not valid YAML");
        });
    }

    @Test
    void aBrokenEditKeepsTheRulesInUseAndLogsFileAndLineAndAGoodOneReplacesThem() throws Exception {
        Path f = write("""
                - name: node-down
                  source_matchers: ['alertname="NodeDown"']
                  target_matchers: ['severity="warning"']
                """);
        InhibitRules rules = InhibitRules.load(f);
        assertThat(rules.get()).extracting(InhibitRule::name).containsExactly("node-down");

        try (LogCapture log = new LogCapture()) {
            swap(f, """
                    - name: node-down
                      source_matchers: ['alertname="NodeDown"']
                      target_matchers: ['severity=warning"']
                    """);
            assertThat(rules.reload()).isFalse();
            assertThat(rules.get()).extracting(InhibitRule::name).containsExactly("node-down");
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).contains(f + ":3: target_matchers"));
        }
        swap(f, """
                - name: cluster-down
                  source_matchers: ['alertname="ClusterDown"']
                  target_matchers: ['severity="warning"']
                """);
        assertThat(rules.reload()).isTrue();
        assertThat(rules.get()).extracting(InhibitRule::name).containsExactly("cluster-down");
        assertThat(rules.reload()).as("unchanged: not parsed again").isFalse();
    }

    @Test
    void aMissingOrCommentOnlyFileDefinesNoRules() throws Exception {
        assertThat(InhibitRules.load(dir.resolve("absent.yaml")).get()).isEmpty();
        assertThat(InhibitRulesFile.read(write("# nothing yet\n"))).satisfies(p -> {
            assertThat(p.rules()).isEmpty();
            assertThat(p.problems()).isEmpty();
        });
    }

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("inhibit-rules.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    /** As a ConfigMap update does: the new content appears at once, by rename. */
    private void swap(Path f, String yaml) throws Exception {
        Path tmp = dir.resolve("next.yaml");
        Files.writeString(tmp, yaml);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
