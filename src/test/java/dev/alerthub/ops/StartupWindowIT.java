package dev.alerthub.ops;

import dev.alerthub.support.Fixtures;
import dev.alerthub.support.HubProcess;
import dev.alerthub.support.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar while it starts: Alertmanager does not retry a 4xx, so from the moment the
 * business port accepts a connection until the hub is ready, a webhook must get 503 with
 * Retry-After (which it retries), never the 404 of a route not registered yet.
 */
class StartupWindowIT {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(500)).build();

    @TempDir
    Path work;

    record Answer(int status, String retryAfter, String contentType, String body) {
        @Override
        public String toString() {
            return status + (retryAfter == null ? "" : " Retry-After " + retryAfter) + " " + body;
        }
    }

    @Test
    void webhooksGet503WithRetryAfterUntilReadyAndNever404() throws Exception {
        int port = Ports.free();
        List<Answer> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        try (HubProcess hub = HubProcess.builder().workDir(work).port(port).start()) {
            // hammer from the first connection the port accepts until the webhook is taken (the
            // poll interval only paces the requests; each answer is recorded)
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(50)).until(() -> {
                assertThat(hub.isAlive()).as(hub.log()).isTrue();
                Answer a = post(hub.url("/webhooks/alertmanager"));
                if (a != null) {
                    answers.add(a);
                }
                return a != null && a.status() == 200;
            });
            System.out.println("start-up answers: " + summary(answers));

            assertThat(answers).as("every answer before ready").allSatisfy(a -> {
                assertThat(a.status()).isIn(503, 200);
                if (a.status() == 503) {
                    assertThat(a.retryAfter()).isNotBlank();
                    assertThat(a.contentType()).startsWith("application/json");
                    assertThat(a.body()).contains("\"message\"");
                }
            });
            assertThat(answers).as("the port was open before the hub was ready: the window was exercised")
                    .anyMatch(a -> a.status() == 503);

            // once ready, an unknown path is an ordinary 404 again
            assertThat(post(hub.url("/no-such-path")).status()).isEqualTo(404);
        }
    }

    private Answer post(String url) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Fixtures.webhook("webhook-firing-critical"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null),
                    r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            return null; // the port is not open yet
        }
    }

    /** "12 × 503, 1 × 200" in arrival order, runs collapsed. */
    private static String summary(List<Answer> answers) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < answers.size()) {
            int j = i;
            while (j < answers.size() && answers.get(j).status() == answers.get(i).status()) {
                j++;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(j - i).append(" × ").append(answers.get(i).status());
            i = j;
        }
        return sb.toString();
    }
}
