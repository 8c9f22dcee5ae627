package dev.alerthub.probe;

import dev.alerthub.support.ProbeRoutes;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeFileCheckTest {
    static final Path ROUTES = TestHub.PROJECT.resolve("routes");

    /** The built-in defaults, plus what a test adds. */
    static ProbeFileCheck.Environment defaults(Map<String, String> extra) throws Exception {
        Properties p = new Properties();
        try (InputStream in = ProbeFileCheckTest.class.getResourceAsStream("/alerthub-defaults.properties")) {
            p.load(in);
        }
        Map<String, String> all = new HashMap<>();
        p.forEach((k, v) -> all.put(k.toString(), v.toString()));
        all.putAll(extra);
        return ProbeFileCheck.Environment.of(k -> Optional.ofNullable(all.get(k)));
    }

    static List<ProbeFileCheck.Problem> check(String yaml, ProbeFileCheck.Environment env) throws Exception {
        Path f = Files.createTempFile("probe", ".camel.yaml");
        Files.writeString(f, yaml);
        return ProbeFileCheck.forRoutesDir(ROUTES, env).check(List.of(f));
    }

    @Test
    void everyShippedProbeFileIsValid() throws Exception {
        List<Path> files = ProbeFileCheck.routeFiles(ROUTES);
        ProbeFileCheck check = ProbeFileCheck.forRoutesDir(ROUTES, defaults(Map.of()));
        assertThat(check.check(files)).isEmpty();
        assertThat(check.probes(files)).extracting(ProbeSpec::id).containsExactlyInAnyOrder("error-rate", "latency-p95",
                "crash-loop", "canary-error-rate", "no-available-replicas", "data-freshness", "stale-data",
                "connections-postgresql", "connections-mariadb", "slow-queries");
        assertThat(check.probes(files)).as("shipped disabled").noneMatch(ProbeSpec::enabled);
        assertThat(ProbeFileCheck.forRoutesDir(ROUTES, null).check(files)).as("names alone, without configuration")
                .isEmpty();
    }

    @Test
    void aMisspeltParameterIsNamedWithItsFileAndLine() throws Exception {
        String yaml = ProbeRoutes.templated("promql-probe", "id", "typo", "every", "15s", "query", "up == 0",
                "op", ">", "treshold", "0", "severity", "warning");
        List<ProbeFileCheck.Problem> problems = check(yaml, null);
        assertThat(problems).extracting(ProbeFileCheck.Problem::message).containsExactlyInAnyOrder(
                "probe 'typo': unknown parameter 'treshold' (did you mean 'threshold'?)",
                "probe 'typo': missing required parameter 'threshold'");
        ProbeFileCheck.Problem unknown = problems.stream().filter(p -> p.message().contains("treshold")).findFirst().orElseThrow();
        assertThat(unknown.line()).isEqualTo(lineOf(yaml, "name: treshold"));
        assertThat(unknown.toString()).matches(".*probe.*\\.camel\\.yaml:" + unknown.line() + ": probe 'typo': unknown parameter 'treshold'.*");
        ProbeFileCheck.Problem missing = problems.stream().filter(p -> p.message().contains("missing")).findFirst().orElseThrow();
        assertThat(missing.line()).as("the templatedRoute").isEqualTo(1);
    }

    @Test
    void aBadValueIsNamedAtItsLine() throws Exception {
        String yaml = ProbeRoutes.templated("promql-probe", "id", "bad", "every", "15s", "query", "up", "op", "=>",
                "threshold", "0", "severity", "warning");
        assertThat(check(yaml, null)).singleElement().satisfies(p -> {
            assertThat(p.message()).isEqualTo("probe 'bad': op: '=>' is not one of >, >=, <, <=, ==, !=");
            assertThat(p.line()).as("its value: line").isEqualTo(lineOf(yaml, "=>") - 1);
        });
    }

    @Test
    void placeholdersAreResolvedAndAMissingPropertyIsNamed() throws Exception {
        String yaml = ProbeRoutes.templated("promql-probe", "id", "ph", "every", "{{my.interval}}", "query", "up",
                "op", ">", "threshold", "0", "severity", "warning");
        assertThat(check(yaml, defaults(Map.of("my.interval", "30s")))).isEmpty();
        assertThat(check(yaml, defaults(Map.of("my.interval", "often")))).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("every: 'often' is not a duration"));
        assertThat(check(yaml, defaults(Map.of()))).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("'every'").contains("my.interval"));
        assertThat(check(yaml, null)).as("without configuration the value cannot be judged").isEmpty();
    }

    @Test
    void anEnabledSqlProbeNeedsItsDatasourceConfigured() throws Exception {
        String yaml = ProbeRoutes.templated("sql-probe", "id", "rows", "every", "1m", "datasource", "orders",
                "sql", "SELECT COUNT(*) AS value FROM orders", "op", "==", "threshold", "0", "severity", "warning");
        assertThat(check(yaml, defaults(Map.of()))).singleElement().satisfies(p ->
                assertThat(p.message()).isEqualTo("probe 'rows': datasource 'orders' is not configured: set "
                        + "alerthub.datasources.orders.url"));
        assertThat(check(yaml, defaults(Map.of("alerthub.datasources.orders.url", "jdbc:h2:mem:x")))).isEmpty();
    }

    @Test
    void structuralMistakesAreNamed() throws Exception {
        String twice = ProbeRoutes.templated("promql-probe", "id", "a", "every", "15s", "query", "up", "op", ">",
                "threshold", "0", "severity", "warning")
                + ProbeRoutes.templated("promql-probe", "id", "a", "every", "15s", "query", "up", "op", ">",
                "threshold", "1", "severity", "warning");
        assertThat(check(twice, null)).singleElement().satisfies(p -> assertThat(p.message())
                .startsWith("probe 'a': the id is already used at ").contains(".camel.yaml:"));

        assertThat(check(ProbeRoutes.templated("promq-probe", "id", "x"), null)).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo(
                        "unknown route template 'promq-probe' (did you mean 'promql-probe'?)"));

        String mapping = """
                - templatedRoute:
                    routeTemplateRef: promql-probe
                    parameters:
                      - name: id
                        value: m
                      - name: labels
                        value: {team: shop}
                """;
        assertThat(check(mapping, null)).filteredOn(p -> p.message().contains("labels")).singleElement()
                .satisfies(p -> {
                    assertThat(p.message()).contains("must be text; quote it");
                    assertThat(p.line()).isEqualTo(7);
                });

        assertThat(check("- templatedRoute:\n  routeTemplateRef: [oops\n", null)).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("not valid YAML"));
    }

    @Test
    void otherEngineersTemplatesAreLeftToCamel() throws Exception {
        Path dir = Files.createTempDirectory("routes");
        Files.writeString(dir.resolve("t.camel.yaml"), """
                - routeTemplate:
                    id: my-template
                    parameters:
                      - name: a
                    route:
                      from:
                        uri: direct:a
                        steps:
                          - log: x
                """);
        Path f = dir.resolve("p.camel.yaml");
        Files.writeString(f, ProbeRoutes.templated("my-template", "whatever", "1"));
        assertThat(ProbeFileCheck.forRoutesDir(dir, null).check(List.of(f))).isEmpty();
    }

    private static int lineOf(String text, String needle) {
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(needle)) {
                return i + 1;
            }
        }
        throw new AssertionError(needle);
    }
}
