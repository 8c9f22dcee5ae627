package dev.alerthub.probe;

import dev.alerthub.alert.Severity;
import dev.alerthub.ops.validate.RouteFile;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProbeSpecTest {
    static Map<String, String> promql(String... extra) {
        Map<String, String> p = new LinkedHashMap<>(Map.of("id", "checkout-errors", "every", "15s",
                "query", "sum(rate(x[1m]))", "op", ">", "threshold", "0.05", "severity", "critical"));
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i + 1] == null) {
                p.remove(extra[i]);
            } else {
                p.put(extra[i], extra[i + 1]);
            }
        }
        return p;
    }

    @Test
    void readsAPromqlProbeWithTheTemplatesDefaults() {
        ProbeSpec s = parse(ProbeKind.PROMQL, promql("for", "2m", "action", "rollback",
                "labels", "{team: payments}", "annotations", "summary: rate {{ $value }}"));
        assertThat(s.id()).isEqualTo("checkout-errors");
        assertThat(s.alertname()).isEqualTo("CheckoutErrors");
        assertThat(s.schedule().every()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.op()).isEqualTo(Comparison.GT);
        assertThat(s.threshold()).isEqualTo(0.05);
        assertThat(s.forDuration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(s.labels()).containsExactly(Map.entry("team", "payments"));
        assertThat(s.annotations()).containsKey("summary");
        assertThat(s.noData()).isEqualTo(NoDataPolicy.OK);
        assertThat(s.enabled()).isTrue();
        assertThat(s.source()).isEqualTo("probe:checkout-errors");
        assertThat(s.condition()).isEqualTo("> 0.05 for 2m");
    }

    @Test
    void readsASqlProbe() {
        ProbeSpec s = parse(ProbeKind.SQL, Map.of("id", "orders-fresh", "cron", "0 * * * * ?",
                "datasource", "orders", "sql", "SELECT COUNT(*) AS value FROM orders WHERE created_at > :?since",
                "window", "15m", "op", "==", "threshold", "0", "severity", "warning", "labelColumns", "Shard, region"));
        assertThat(s.schedule().cron()).isEqualTo("0 * * * * ?");
        assertThat(s.window()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.valueColumn()).isEqualTo("value");
        assertThat(s.labelColumns()).containsExactly("shard", "region");
    }

    @Test
    void everyProblemNamesItsParameter() {
        assertProblem(promql("threshold", null), "threshold", "missing (required)");
        assertProblem(promql("treshold", "1"), "treshold", "unknown parameter (did you mean 'threshold'?)");
        assertProblem(promql("op", "=>"), "op", "'=>' is not one of >, >=, <, <=, ==, !=");
        assertProblem(promql("threshold", "five"), "threshold", "'five' is not a number");
        assertProblem(promql("for", "2 min"), "for", "not a duration");
        assertProblem(promql("cron", "0 * * * * ?"), "cron", "either every or cron");
        assertProblem(promql("every", null), "every", "set every (like 15s) or cron");
        assertProblem(promql("every", null, "cron", "every minute"), "cron", "not a Quartz cron expression");
        assertProblem(promql("every", "100ms"), "every", "shorter than 1s");
        assertProblem(promql("severity", "page"), "severity", "not critical, warning or info");
        assertProblem(promql("id", "Checkout_Errors"), "id", "lower-case letters");
        assertProblem(promql("labels", "severity: critical"), "labels", "with the severity parameter");
        assertProblem(promql("labels", "just text"), "labels", "not a mapping");
        assertProblem(promql("labels", "team: [a, b]"), "labels", "must be text");
        assertProblem(promql("annotations", "summary: '{{ $valeu }}'"), "annotations", "summary: '$valeu'");
        assertProblem(promql("action", "delete"), "action", "not rollback, restart or scale");
        assertProblem(promql("noData", "zero"), "noData", "not one of ok, alert, keep");
        assertProblem(promql("enabled", "yes"), "enabled", "not true or false");
        assertProblem(promql("sql", "SELECT 1"), "sql", "unknown parameter");
    }

    @Test
    void sqlWindowAndSinceGoTogether() {
        Map<String, String> p = new LinkedHashMap<>(Map.of("id", "x", "every", "1m", "datasource", "db",
                "sql", "SELECT COUNT(*) AS value FROM t WHERE ts > :?since", "op", "==", "threshold", "0",
                "severity", "warning"));
        assertProblem(ProbeKind.SQL, p, "window", "uses :?since");
        p.put("sql", "SELECT 1 AS value");
        p.put("window", "5m");
        assertProblem(ProbeKind.SQL, p, "window", "no :?since");
        p.remove("window");
        p.put("datasource", "my db");
        assertProblem(ProbeKind.SQL, p, "datasource", "alerthub.datasources.<name>.url");
    }

    @Test
    void defaultsAndKnownNamesComeFromTheDeclaredParameters() {
        List<ProbeSpec.Declared> declared = List.of(new ProbeSpec.Declared("id", true, null),
                new ProbeSpec.Declared("every", false, null), new ProbeSpec.Declared("query", true, null),
                new ProbeSpec.Declared("op", true, null), new ProbeSpec.Declared("threshold", true, null),
                new ProbeSpec.Declared("severity", true, null), new ProbeSpec.Declared("for", false, "3m"),
                new ProbeSpec.Declared("noData", false, "alert"), new ProbeSpec.Declared("enabled", false, "false"));
        ProbeSpec s = ProbeSpec.parse(ProbeKind.PROMQL, declared, promql());
        assertThat(s.forDuration()).isEqualTo(Duration.ofMinutes(3));
        assertThat(s.noData()).isEqualTo(NoDataPolicy.ALERT);
        assertThat(s.enabled()).isFalse();
        assertThatThrownBy(() -> ProbeSpec.parse(ProbeKind.PROMQL, declared, promql("labels", "team: a")))
                .isInstanceOfSatisfying(InvalidProbeException.class, e -> assertThat(e.parameter()).isEqualTo("labels"));
    }

    /** What the project's template for this kind declares (routes/probes/templates.camel.yaml). */
    static List<ProbeSpec.Declared> declared(ProbeKind kind) {
        try {
            RouteFile templates = RouteFile.read(TestHub.PROJECT.resolve("routes/probes/templates.camel.yaml"));
            return templates.routeTemplates().stream().filter(t -> t.id().equals(kind.template())).findFirst()
                    .orElseThrow().parameters().stream()
                    .map(d -> new ProbeSpec.Declared(d.name(), d.required(), d.defaultValue())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A probe of this kind parsed against the project's template. */
    static ProbeSpec parse(ProbeKind kind, Map<String, String> params) {
        return ProbeSpec.parse(kind, declared(kind), params);
    }

    private static void assertProblem(Map<String, String> params, String parameter, String message) {
        assertProblem(ProbeKind.PROMQL, params, parameter, message);
    }

    private static void assertProblem(ProbeKind kind, Map<String, String> params, String parameter, String message) {
        assertThatThrownBy(() -> parse(kind, params))
                .isInstanceOfSatisfying(InvalidProbeException.class, e -> {
                    assertThat(e.parameter()).isEqualTo(parameter);
                    assertThat(e.getMessage()).startsWith(parameter + ": ").contains(message);
                });
    }
}
