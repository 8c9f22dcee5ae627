package dev.alerthub.probe;

import dev.alerthub.support.ProbeRoutes;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A probe file with a wrong parameter stops the hub at start-up, naming the file, the line and the parameter. */
class ProbeStartupTest {
    @Test
    void aMisspeltOrMissingParameterStopsTheStartNamingFileLineAndParameter() {
        ProbeRoutes routes = ProbeRoutes.copyOfProject();
        Path file = routes.probe("checkout.camel.yaml", ProbeRoutes.templated("promql-probe", "id", "checkout",
                "every", "15s", "query", "up == 0", "op", ">", "treshold", "0", "severity", "warning"));
        Throwable t = catchThrowable(() -> TestHub.builder().routesDir(routes.dir()).start());
        String messages = messages(t);
        String shown = file.toString().startsWith(TestHub.PROJECT.toString())
                ? TestHub.PROJECT.relativize(file).toString() : file.toString();
        assertThat(messages).contains("invalid probe file")
                .contains(shown + ":16: probe 'checkout': unknown parameter 'treshold' (did you mean 'threshold'?)")
                .contains(shown + ":1: probe 'checkout': missing required parameter 'threshold'");
    }

    @Test
    void aBadValueOrAnUnconfiguredDatasourceStopsTheStartToo() {
        ProbeRoutes routes = ProbeRoutes.copyOfProject();
        routes.probe("a.camel.yaml", ProbeRoutes.templated("promql-probe", "id", "a", "every", "15s",
                "query", "up", "op", "=<", "threshold", "0", "severity", "warning"));
        routes.probe("b.camel.yaml", ProbeRoutes.templated("sql-probe", "id", "b", "every", "1m",
                "datasource", "nowhere", "sql", "SELECT 1 AS value", "op", ">", "threshold", "0", "severity", "info"));
        String messages = messages(catchThrowable(() -> TestHub.builder().routesDir(routes.dir()).start()));
        assertThat(messages).contains("a.camel.yaml:").contains("probe 'a': op: '=<' is not one of")
                .contains("b.camel.yaml:").contains("probe 'b': datasource 'nowhere' is not configured: set "
                        + "alerthub.datasources.nowhere.url");
    }

    @Test
    void aShippedProbeSwitchedOnWithABadSettingNamesTheSetting() {
        String messages = messages(catchThrowable(() -> TestHub.builder()
                .property("alerthub.probes.error-rate.enabled", "true")
                .property("alerthub.probes.error-rate.for", "two minutes").start()));
        assertThat(messages).contains("routes/probes/defaults/error-rate.camel.yaml:")
                .contains("probe 'error-rate': for: 'two minutes' is not a duration");
    }

    private static String messages(Throwable t) {
        assertThat(t).as("the hub must not start").isNotNull();
        List<String> all = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.add(String.valueOf(c.getMessage()));
        }
        return String.join("\n", all);
    }
}
