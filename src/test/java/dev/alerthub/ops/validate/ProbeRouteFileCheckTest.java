package dev.alerthub.ops.validate;

import dev.alerthub.probe.ProbeSpec;
import dev.alerthub.support.ProbeRoutes;
import dev.alerthub.support.TestHub;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The probe rules of the route-file checker, on the project's templates and shipped probe files. */
class ProbeRouteFileCheckTest {
    static final Path ROUTES = TestHub.PROJECT.resolve("routes");
    private static final DefaultCamelContext CONTEXT = new DefaultCamelContext();

    @AfterAll
    static void close() throws Exception {
        CONTEXT.close();
    }

    /** The built-in defaults, plus what a test adds, in Camel's properties component (as the hub has them). */
    static PropertiesComponent defaults(Map<String, String> extra) throws Exception {
        Properties p = new Properties();
        try (InputStream in = ProbeRouteFileCheckTest.class.getResourceAsStream("/alerthub-defaults.properties")) {
            p.load(in);
        }
        p.putAll(extra);
        org.apache.camel.component.properties.PropertiesComponent pc = new org.apache.camel.component.properties.PropertiesComponent();
        pc.setCamelContext(CONTEXT);
        pc.setInitialProperties(p);
        org.apache.camel.support.service.ServiceHelper.startService(pc);
        return pc;
    }

    static List<Problem> check(String yaml, PropertiesComponent properties) throws Exception {
        Path f = Files.createTempFile("probe", ".camel.yaml");
        Files.writeString(f, yaml);
        return new ProbeRouteFileCheck(ROUTES, properties).check(RouteFile.read(f), null);
    }

    @Test
    void everyShippedProbeFileIsValid() throws Exception {
        ProbeRouteFileCheck.Result all = new ProbeRouteFileCheck(ROUTES, defaults(Map.of())).checkAll();
        assertThat(all.problems()).isEmpty();
        assertThat(all.probes()).extracting(ProbeSpec::id).containsExactlyInAnyOrder("error-rate", "latency-p95",
                "crash-loop", "canary-error-rate", "no-available-replicas", "data-freshness", "stale-data",
                "connections-postgresql", "connections-mariadb", "slow-queries");
        assertThat(all.probes()).as("shipped disabled").noneMatch(ProbeSpec::enabled);
        assertThat(new ProbeRouteFileCheck(ROUTES, null).checkAll().problems()).as("names alone, without configuration")
                .isEmpty();
    }

    @Test
    void aMisspeltParameterIsNamedWithItsFileAndLine() throws Exception {
        String yaml = ProbeRoutes.templated("promql-probe", "id", "typo", "every", "15s", "query", "up == 0",
                "op", ">", "treshold", "0", "severity", "warning");
        List<Problem> problems = check(yaml, null);
        assertThat(problems).extracting(Problem::message).containsExactlyInAnyOrder(
                "probe 'typo': unknown parameter 'treshold' (did you mean 'threshold'?)",
                "probe 'typo': missing required parameter 'threshold'");
        Problem unknown = problems.stream().filter(p -> p.message().contains("treshold")).findFirst().orElseThrow();
        assertThat(unknown.line()).isEqualTo(lineOf(yaml, "name: treshold"));
        assertThat(unknown.toString()).matches(".*probe.*\\.camel\\.yaml:" + unknown.line() + ": probe 'typo': unknown parameter 'treshold'.*");
        Problem missing = problems.stream().filter(p -> p.message().contains("missing")).findFirst().orElseThrow();
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

        // in validate the generic template check names it; at start-up, the probe check over the folder
        Path dir = Files.createTempDirectory("routes");
        Files.copy(ROUTES.resolve("probes/templates.camel.yaml"), dir.resolve("templates.camel.yaml"));
        Files.writeString(dir.resolve("p.camel.yaml"), ProbeRoutes.templated("promq-probe", "id", "x"));
        assertThat(new ProbeRouteFileCheck(dir, null).checkAll().problems()).singleElement()
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

        Path broken = Files.createTempDirectory("routes");
        Files.writeString(broken.resolve("t.camel.yaml"), "- templatedRoute:\n  routeTemplateRef: [oops\n");
        assertThat(new ProbeRouteFileCheck(broken, null).checkAll().problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("YAML syntax error"));
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
        assertThat(new ProbeRouteFileCheck(dir, null).check(RouteFile.read(f), null)).isEmpty();
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
