package dev.alerthub.ops.validate;

import dev.alerthub.AlerthubMain;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code alerthub validate}: every class of mistake an operator makes in a route file is reported
 * as file:line: message, against the hub's real beans and properties, with exit status 1.
 */
class ValidateCommandTest {
    static final Map<String, String> PROJECT = Map.of(
            "alerthub.config-dir", TestHub.PROJECT.resolve("config").toString(),
            "alerthub.routes-dir", TestHub.PROJECT.resolve("routes").toString());

    @TempDir
    static Path dir;

    record Run(int exit, List<String> out, String err) {
    }

    static Run validate(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AlerthubMain.validate(args, PROJECT, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8).lines().toList(), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void writeBrokenFiles() throws Exception {
        write("yaml-syntax.camel.yaml", """
                - route:
                    id: broken-quote
                    from:
                      uri: direct:a
                      steps:
                        - log: "never closed
                """);
        write("unknown-key.camel.yaml", """
                - route:
                    id: unknown-key
                    from:
                      uri: direct:b
                      steps:
                        - log:
                            message: hello
                        - setHedaer:
                            name: team
                            constant: payments
                """);
        write("unknown-field.camel.yaml", """
                - route:
                    id: unknown-field
                    from:
                      uri: direct:c
                      steps:
                        - log:
                            mesage: hello
                """);
        write("unknown-endpoint.camel.yaml", """
                # slakc: is a typo in a comment too, which must not be pointed at
                - route:
                    id: unknown-endpoint
                    from:
                      uri: direct:d
                      steps:
                        - log: routing
                        - to: slakc:alerts
                """);
        write("missing-bean.camel.yaml", """
                - route:
                    id: missing-bean
                    from:
                      uri: direct:e
                      steps:
                        - log: rendering
                        - bean:
                            ref: slakk
                            method: render
                """);
        write("placeholder.camel.yaml", """
                - route:
                    id: placeholder
                    from:
                      uri: direct:f
                      steps:
                        - to: "{{alerthub.slack.webhook-ur}}"
                """);
        write("templates.camel.yaml", """
                - routeTemplate:
                    id: every
                    parameters:
                      - name: period
                      - name: message
                        defaultValue: tick
                    from:
                      uri: "timer:every-{{period}}?period={{period}}"
                      steps:
                        - log: "{{message}}"
                - templatedRoute:
                    routeTemplateRef: every
                    routeId: every-second
                    parameters:
                      - name: perod
                        value: "1000"
                      - name: mesage
                        value: tock
                """);
        write("empty.camel.yaml", """
                # routes for team payments: to do
                """);
        // uses a route configuration from the routes folder, and a leader-only consumer: valid on its own
        write("good.camel.yaml", """
                - route:
                    id: morning-digest
                    from:
                      uri: "master:alerthub:quartz:digest?cron=0 0 8 * * ?"
                      steps:
                        - to: direct:slack
                - route:
                    id: team-payments
                    routeConfigurationId: sink-delivery
                    from:
                      uri: direct:payments
                      steps:
                        - setHeader:
                            name: target
                            constant: payments
                        - to: direct:slack
                """);
    }

    static void write(String name, String text) throws Exception {
        Files.writeString(dir.resolve(name), text);
    }

    @Test
    void theShippedRoutesValidateClean() {
        Run run = validate();
        assertThat(run.out()).isEmpty();
        assertThat(run.exit()).isZero();
        assertThat(run.err()).contains("route file(s) valid");
    }

    @Test
    void everyKindOfMistakeIsReportedWithFileAndLine() {
        Run run = validate(dir.toString());
        String d = dir.toString() + "/";
        assertThat(run.out()).containsExactlyInAnyOrder(
                d + "yaml-syntax.camel.yaml:6: YAML syntax error: while scanning a quoted scalar: found unexpected end of stream",
                d + "unknown-key.camel.yaml:8: unknown key 'setHedaer'; did you mean 'setHeader'?",
                d + "unknown-field.camel.yaml:7: unknown key 'mesage'; did you mean 'message'?",
                d + "unknown-endpoint.camel.yaml:8: unknown endpoint 'slakc://alerts': no component 'slakc' (route unknown-endpoint)",
                d + "missing-bean.camel.yaml:8: no bean named 'slakk'; did you mean 'slack'? (route missing-bean)",
                d + "placeholder.camel.yaml:6: unresolvable placeholder {{alerthub.slack.webhook-ur}}: set it in "
                        + "application.properties, as -Dalerthub.slack.webhook-ur= or as environment variable "
                        + "ALERTHUB_SLACK_WEBHOOK_UR (route placeholder)",
                d + "templates.camel.yaml:11: route template 'every' needs parameter 'period'",
                d + "templates.camel.yaml:15: route template 'every' has no parameter 'perod'; did you mean 'period'?",
                d + "templates.camel.yaml:17: route template 'every' has no parameter 'mesage'; did you mean 'message'?",
                d + "empty.camel.yaml:1: defines nothing (no route, routeConfiguration or routeTemplate)");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("10 problem(s) in 8 file(s)");
    }

    @Test
    void aSingleGoodFileValidatesAgainstTheRoutesFolder() {
        Run run = validate(dir.resolve("good.camel.yaml").toString());
        assertThat(run.out()).isEmpty();
        assertThat(run.exit()).isZero();
    }

    @Test
    void aProbeWithAMisspeltOrBadParameterIsReportedWithFileAndLine() throws Exception {
        Path probes = Files.createDirectories(dir.resolve("probes"));
        String probe = """
                - templatedRoute:
                    routeTemplateRef: promql-probe
                    parameters:
                      - name: id
                        value: %s
                      - name: every
                        value: 15s
                      - name: query
                        value: sum(rate(http_requests_total{code=~"5.."}[5m]))
                      - name: op
                        value: ">"
                      - name: %s
                        value: "0.05"
                      - name: severity
                        value: %s
                """;
        Path misspelt = probes.resolve("misspelt.camel.yaml");
        Files.writeString(misspelt, probe.formatted("checkout-errors", "treshold", "critical"));
        Path badValue = probes.resolve("bad-value.camel.yaml");
        Files.writeString(badValue, probe.formatted("cart-errors", "threshold", "urgent"));

        Run run = validate(probes.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).anySatisfy(l -> assertThat(l).startsWith(misspelt + ":12: ").contains("'treshold'")
                .contains("did you mean 'threshold'"));
        assertThat(run.out()).anySatisfy(l -> assertThat(l).startsWith(badValue + ":").contains("'urgent'")
                .contains("critical, warning or info"));
    }

    @Test
    void aMissingFileIsAProblem() {
        Run run = validate(dir.resolve("nope.camel.yaml").toString());
        assertThat(run.out()).containsExactly(dir.resolve("nope.camel.yaml") + ":0: no such file or folder");
        assertThat(run.exit()).isEqualTo(1);
    }

    @Test
    void theCommandLinePrintsProblemsAndExitsWithOne() throws Exception {
        // the real entry point, in its own JVM: java ... AlerthubMain validate FILE
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dalerthub.config-dir=" + TestHub.PROJECT.resolve("config"),
                "-Dalerthub.routes-dir=" + TestHub.PROJECT.resolve("routes"),
                "dev.alerthub.AlerthubMain", "validate", dir.resolve("missing-bean.camel.yaml").toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.strip()).isEqualTo(dir.resolve("missing-bean.camel.yaml")
                + ":8: no bean named 'slakk'; did you mean 'slack'? (route missing-bean)");
        assertThat(p.exitValue()).isEqualTo(1);
    }

    /** Broken lifecycle files in {@code folder}: time-intervals.yaml (line 5), inhibit-rules.yaml (line 3), a template (line 2). */
    static void writeBrokenLifecycleFiles(Path folder) throws Exception {
        Files.writeString(folder.resolve("time-intervals.yaml"), """
                - name: business-hours
                  time_intervals:
                    - times: [{start_time: "09:00", end_time: "17:00"}]
                      weekdays:
                        - funday
                """);
        Files.writeString(folder.resolve("inhibit-rules.yaml"), """
                - name: node-down
                  source_matchers: ['alertname="NodeDown"']
                  target_matchers: ['severity=~"(unclosed"']
                """);
        Files.createDirectories(folder.resolve("templates"));
        Files.writeString(folder.resolve("templates/slack-text.slack.mustache"), "{{alertname}}\n{{#firing}}\nsince\n");
    }

    @Test
    void theConfiguredLifecycleFilesAreCheckedWithFileAndLine(@TempDir Path config) throws Exception {
        writeBrokenLifecycleFiles(config);
        Map<String, String> settings = new java.util.HashMap<>(PROJECT);
        settings.put("alerthub.time-intervals.file", config.resolve("time-intervals.yaml").toString());
        settings.put("alerthub.inhibit.rules-file", config.resolve("inhibit-rules.yaml").toString());
        settings.put("alerthub.templates.dir", config.resolve("templates").toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AlerthubMain.validate(new String[0], settings, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(config.resolve("time-intervals.yaml") + ":5: weekdays: funday"))
                .anySatisfy(l -> assertThat(l).startsWith(config.resolve("inhibit-rules.yaml") + ":3: target_matchers: "))
                .anySatisfy(l -> assertThat(l).matches(java.util.regex.Pattern.quote(
                        config.resolve("templates/slack-text.slack.mustache").toString()) + ":[2-4]: .*firing.*"))
                .hasSize(3);
        assertThat(exit).isEqualTo(1);
    }

    @Test
    void lifecycleFilesNamedOnTheCommandLineAreCheckedByTheirName(@TempDir Path config) throws Exception {
        writeBrokenLifecycleFiles(config);
        Run run = validate(config.resolve("inhibit-rules.yaml").toString(), config.resolve("time-intervals.yaml").toString(),
                config.resolve("templates/slack-text.slack.mustache").toString());
        assertThat(run.out()).hasSize(3).anySatisfy(l -> assertThat(l).startsWith(config.resolve("inhibit-rules.yaml") + ":3: "))
                .anySatisfy(l -> assertThat(l).startsWith(config.resolve("time-intervals.yaml") + ":5: "))
                .anySatisfy(l -> assertThat(l).startsWith(config.resolve("templates/slack-text.slack.mustache") + ":"));
        assertThat(run.exit()).isEqualTo(1);

        Run folder = validate(config.toString());
        assertThat(folder.out()).as("a config folder: its lifecycle files").hasSize(3);
    }

    @Test
    void theShippedLifecycleFilesAreCheckedAndValid() {
        Run run = validate();
        assertThat(run.exit()).isZero();
        assertThat(run.err()).contains("time-intervals.yaml").contains("inhibit-rules.yaml").contains("templates");
    }
}
