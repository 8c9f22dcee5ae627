package dev.alerthub.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Jolokia switched on: read-only unless alerthub.jolokia.read-only=false. */
class JolokiaAccessTest {
    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.builder().property("camel.management.jolokia-enabled", "true").start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static String route(TestHub h, String id) {
        return URLEncoder.encode("org.apache.camel:context=" + h.context().getManagementName()
                + ",type=routes,name=\"" + id + "\"", StandardCharsets.UTF_8).replace("+", "%20");
    }

    static JsonNode jolokia(TestHub h, String path) throws Exception {
        return Json.MAPPER.readTree(h.get(h.managementUrl("/observe/jolokia/" + path)).body());
    }

    @Test
    void jolokiaReadsButCannotStopARouteOrPauseRemediation() throws Exception {
        assertThat(jolokia(hub, "read/" + route(hub, "intake-alertmanager") + "/State").path("value").asText())
                .isEqualTo("Started");

        JsonNode stop = jolokia(hub, "exec/" + route(hub, "intake-alertmanager") + "/stop");
        assertThat(stop.path("status").asInt()).as(stop.toString()).isEqualTo(403);
        assertThat(hub.context().getRouteController().getRouteStatus("intake-alertmanager").isStarted()).isTrue();

        JsonNode pause = jolokia(hub, "write/dev.alerthub:type=Remediation/Paused/true");
        assertThat(pause.path("status").asInt()).as(pause.toString()).isEqualTo(403);
        assertThat(Json.MAPPER.readTree(hub.get("/api/remediation").body()).path("paused").asBoolean()).isFalse();
    }

    @Test
    void readOnlyFalseAllowsOperations() throws Exception {
        try (TestHub rw = TestHub.builder().property("camel.management.jolokia-enabled", "true")
                .property("alerthub.jolokia.read-only", "false").start()) {
            JsonNode pause = jolokia(rw, "write/dev.alerthub:type=Remediation/Paused/true");
            assertThat(pause.path("status").asInt()).as(pause.toString()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(rw.get("/api/remediation").body()).path("paused").asBoolean()).isTrue();
        }
    }
}
