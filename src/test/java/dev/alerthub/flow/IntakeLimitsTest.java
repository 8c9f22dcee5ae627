package dev.alerthub.flow;

import dev.alerthub.store.Database;
import dev.alerthub.support.AlertmanagerWebhook;
import dev.alerthub.support.PostgresSchema;
import dev.alerthub.support.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.alerthub.flow.WebhookToSinksTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-field limits at intake, on PostgreSQL: what the store could refuse is a 400 naming the alert
 * and the field before it joins a group commit, so it never turns into a 503 (Alertmanager retries
 * 5xx forever) and never fails the other requests committed with it.
 */
class IntakeLimitsTest {
    static PostgresSchema schema;
    static TestHub hub;
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @BeforeAll
    static void start() {
        schema = new PostgresSchema();
        // the batching test holds a table lock for a while: the store must not give up meanwhile
        hub = TestHub.builder().storeUrl(schema.url()).property("alerthub.store.username", PostgresSchema.user())
                .property("alerthub.store.commit-timeout", "30s")
                .property("alerthub.store.statement-timeout", "30s")
                .start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        schema.close();
    }

    @BeforeEach
    void clean() {
        hub.reset();
    }

    private static Map<String, String> labels(String alertname, String... more) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("alertname", alertname);
        l.put("severity", "warning");
        for (int i = 0; i < more.length; i += 2) {
            l.put(more[i], more[i + 1]);
        }
        return l;
    }

    private static byte[] webhook(Map<String, String> labels) {
        return AlertmanagerWebhook.create().firing(labels, Map.of("summary", "s"), T0).bytes();
    }

    private static long stored() {
        return hub.bean("database", Database.class).queryLong("SELECT COUNT(*) FROM alerts");
    }

    @Test
    void aFiveThousandCharacterAlertnameIs400NamingTheAlertAndFieldNot503() {
        byte[] body = AlertmanagerWebhook.create()
                .firing(labels("Fine"), Map.of(), T0)
                .firing(labels("x".repeat(5000)), Map.of(), T0).bytes();
        HttpResponse<String> r = hub.postWebhook(body);
        assertProblem(r, 400, "alerts[1].labels.alertname: 5000 characters, at most");
        assertThat(stored()).as("nothing of a refused request is stored").isZero();
    }

    @Test
    void aThreeThousandCharacterLabelNameIs400NamingTheAlertAndLabel() {
        HttpResponse<String> r = hub.postWebhook(webhook(labels("Fine", "n".repeat(3000), "v")));
        assertProblem(r, 400, "alerts[0].labels: name of 3000 characters");
        assertThat(stored()).isZero();
    }

    @Test
    void oneOversizedRequestOfAGroupCommitIs400AndItsNeighboursAre200AndStored() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try (Connection lock = DriverManager.getConnection(PostgresSchema.SERVER, PostgresSchema.user(), "")) {
            // the writer's first batch waits for this lock; what arrives meanwhile forms the next batch
            lock.setAutoCommit(false);
            try (Statement st = lock.createStatement()) {
                st.execute("LOCK TABLE " + schema.name() + ".alerts IN ACCESS EXCLUSIVE MODE");
            }
            CompletableFuture<HttpResponse<String>> first =
                    CompletableFuture.supplyAsync(() -> hub.postWebhook(webhook(labels("First"))), callers);
            await().atMost(Duration.ofSeconds(10)).until(() -> inflight() == 1);
            List<CompletableFuture<HttpResponse<String>>> neighbours = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                byte[] body = webhook(labels("Neighbour" + i));
                neighbours.add(CompletableFuture.supplyAsync(() -> hub.postWebhook(body), callers));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> inflight() == 6);
            CompletableFuture<HttpResponse<String>> oversized = CompletableFuture.supplyAsync(
                    () -> hub.postWebhook(webhook(labels("y".repeat(5000)))), callers);
            // refused at once (today), or queued with the neighbours (before the limits)
            await().atMost(Duration.ofSeconds(10)).until(() -> oversized.isDone() || inflight() == 7);
            lock.rollback();

            assertThat(first.get().statusCode()).isEqualTo(200);
            assertProblem(oversized.get(), 400, "alerts[0].labels.alertname: 5000 characters");
            for (CompletableFuture<HttpResponse<String>> n : neighbours) {
                assertThat(n.get().statusCode()).as(n.get().body()).isEqualTo(200);
            }
            assertThat(stored()).as("the first and its five neighbours").isEqualTo(6);
        } finally {
            callers.shutdownNow();
        }
    }

    private static int inflight() {
        return hub.context().getInflightRepository().size("intake-alertmanager");
    }
}
