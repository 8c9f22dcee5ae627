package dev.alerthub.bench;

import dev.alerthub.alert.Json;
import dev.alerthub.support.AlertmanagerProcess;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The same silences in the real Alertmanager. Its GET /api/v2/alerts asks its silencer about every
 * alert, which re-evaluates the silences whenever their version changed: one new (non-matching)
 * silence before each timed GET forces that. Per alert = (GET with the silences - GET without) /
 * alerts, so HTTP and JSON costs cancel out.
 */
final class AlertmanagerPeer {
    private static final int ALERTS = 100;
    private static final int ROUNDS = 60;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AlertmanagerPeer() {
    }

    static void run(List<List<String[]>> silences, Map<String, String> alert) throws Exception {
        long without;
        long with;
        try (AlertmanagerProcess am = AlertmanagerProcess.start(CONFIG)) {
            postAlerts(am, alert);
            without = medianGet(am);
            for (List<String[]> s : silences) {
                postSilence(am, s);
            }
            with = medianGet(am);
        }
        System.out.printf(Locale.ROOT, "| Alertmanager 0.25 silencer (GET /api/v2/alerts, %d alerts, median of %d) | %,d"
                        + " | %.1f µs | | |%n", ALERTS, ROUNDS, silences.size(), (with - without) / 1000.0 / ALERTS);
    }

    private static void postAlerts(AlertmanagerProcess am, Map<String, String> alert) {
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (int i = 0; i < ALERTS; i++) {
            Map<String, String> labels = new HashMap<>(alert);
            labels.put("instance", "10.1.0." + i + ":8080");
            alerts.add(Map.of("labels", labels, "endsAt", Instant.now().plusSeconds(3600).toString()));
        }
        am.postAlerts(Json.write(alerts));
    }

    private static long medianGet(AlertmanagerProcess am) throws Exception {
        long[] nanos = new long[ROUNDS];
        for (int i = -10; i < ROUNDS; i++) {
            postSilence(am, List.<String[]>of(new String[] {"alertname", "EQUAL", "Bump" + i + System.nanoTime()}));
            long t0 = System.nanoTime();
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(am.url("/api/v2/alerts"))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            long t = System.nanoTime() - t0;
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET /api/v2/alerts: " + r.statusCode());
            }
            if (i >= 0) {
                nanos[i] = t;
            }
        }
        Arrays.sort(nanos);
        return nanos[ROUNDS / 2];
    }

    private static void postSilence(AlertmanagerProcess am, List<String[]> matchers) throws Exception {
        List<Map<String, Object>> ms = new ArrayList<>();
        for (String[] m : matchers) {
            ms.add(Map.of("name", m[0], "value", m[2], "isRegex", m[1].endsWith("REGEX"), "isEqual", !m[1].startsWith("NOT")));
        }
        String body = Json.write(Map.of("matchers", ms, "startsAt", Instant.now().toString(),
                "endsAt", Instant.now().plusSeconds(3600).toString(), "createdBy", "bench", "comment", "bench"));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(am.url("/api/v2/silences")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST /api/v2/silences: " + r.statusCode() + " " + r.body());
        }
    }

    private static final String CONFIG = """
            route:
              receiver: none
            receivers:
              - name: none
            """;
}
