package dev.alerthub.store;

import dev.alerthub.admin.HubMetrics;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.support.PostgresSchema;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas on one PostgreSQL store sweep for ended silences at the same moment: every muted
 * alert that still fires is handed to exactly one of them.
 */
class SilenceEndStoreTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void twoReplicasSweepingAtOnceRequeueEachStillFiringMutedAlertExactlyOnce() throws Exception {
        PostgresSchema schema = new PostgresSchema();
        open.add(schema);
        Database db = Database.open(schema.url(), PostgresSchema.user(), "");
        open.add(db);
        HubMetrics metrics = new HubMetrics(new SimpleMeterRegistry());
        AlertStore alerts = new AlertStore(db, Clock.systemUTC(), 10_000, metrics);
        open.add(alerts);
        Outbox outbox = new Outbox(db, Clock.systemUTC(), Outbox.queue(db, Clock.systemUTC(), "test-hub", Duration.ofMinutes(1),
                Duration.ofSeconds(5)), new DeadLetters(db, Clock.systemUTC(), metrics),
                new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1)), 10);
        SilenceStore replicaA = new SilenceStore(db, Clock.systemUTC(), metrics);
        SilenceStore replicaB = new SilenceStore(db, Clock.systemUTC(), metrics);

        Exchange create = new DefaultExchange(camel);
        create.getMessage().setBody("""
                {"matchers":"{alertname=\\"DiskFull\\"}","endsAt":"%s","createdBy":"sre","comment":"swap"}"""
                .formatted(Instant.now().plusSeconds(3600)));
        String silence = (String) replicaA.create(create).get("silenceID");

        Instant startsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        List<Alert> firing = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            firing.add(Alert.of(AlertStatus.FIRING, Map.of("alertname", "DiskFull", "instance", "db-" + i,
                    "severity", "critical"), Map.of(), startsAt, null, null, "alertmanager"));
        }
        List<Long> events = alerts.accept(firing).newEvents();
        assertThat(events).hasSize(40);
        for (int i = 0; i < events.size(); i++) {
            Exchange e = new DefaultExchange(camel);
            e.getMessage().setHeader(Outbox.EVENT_ID, events.get(i));
            e.getMessage().setBody(firing.get(i));
            (i % 2 == 0 ? replicaA : replicaB).check(e);
            assertThat(e.getMessage().getHeader(SilenceStore.SILENCED_BY)).isEqualTo(silence);
            outbox.silenced(e);
        }
        // one of them resolves while muted: nobody heard of it, so its end is told to nobody either
        Alert resolved = firing.get(0).withStatus(AlertStatus.RESOLVED, Instant.now());
        alerts.accept(List.of(resolved));
        assertThat(replicaA.endMutes()).as("nothing while the silence holds").isEmpty();

        Exchange expire = new DefaultExchange(camel);
        expire.getMessage().setHeader("id", silence);
        replicaB.expire(expire);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<Long>> a = pool.submit(replicaA::endMutes);
            Future<List<Long>> b = pool.submit(replicaB::endMutes);
            List<Long> all = new ArrayList<>(a.get());
            all.addAll(b.get());
            Set<Long> distinct = new HashSet<>(all);
            assertThat(all).as("no event handed to both replicas").hasSameSizeAs(distinct);
            assertThat(distinct).containsExactlyInAnyOrderElementsOf(events.subList(1, events.size()));
        } finally {
            pool.shutdownNow();
        }
        assertThat(replicaA.endMutes()).as("a second sweep finds nothing left").isEmpty();
        assertThat(db.queryLong("SELECT COUNT(*) FROM alert_events WHERE state = 'PENDING' AND status = 'firing'"))
                .isEqualTo(39);
    }
}
