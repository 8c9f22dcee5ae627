package dev.alerthub.store;

import dev.alerthub.admin.HubMetrics;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.alert.InhibitRule;
import dev.alerthub.alert.Matchers;
import dev.alerthub.alert.Windows;
import dev.alerthub.support.PostgresSchema;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inhibitions and recurring silences on the production store (PostgreSQL): muted, recorded, shown
 * by the API, and released by the sweep only when the source resolves or the window closes.
 */
class LifecycleMutesStoreTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private Database db;
    private AlertStore alerts;
    private Outbox outbox;
    private SilenceStore silences;
    private final Instant startsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);

    @BeforeEach
    void open() {
        PostgresSchema schema = new PostgresSchema();
        open.add(schema);
        db = Database.open(schema.url(), PostgresSchema.user(), "");
        open.add(db);
        HubMetrics metrics = new HubMetrics(new SimpleMeterRegistry());
        alerts = new AlertStore(db, Clock.systemUTC(), 10_000, metrics);
        open.add(alerts);
        outbox = new Outbox(db, Clock.systemUTC(), Outbox.queue(db, Clock.systemUTC(), "test-hub", Duration.ofMinutes(1),
                Duration.ofSeconds(5)), new DeadLetters(db, Clock.systemUTC(), metrics),
                new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1)), 10);
        silences = new SilenceStore(db, Clock.systemUTC(), metrics);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void anInhibitedFiringIsShownWithItsRuleAndSourceAndReleasedWhenTheSourceResolves() {
        Inhibitions inhibitions = new Inhibitions(db, silences, new HubMetrics(new SimpleMeterRegistry()),
                () -> List.of(new InhibitRule("node-down", Matchers.parse("{alertname=\"NodeDown\"}"),
                        Matchers.parse("{severity=\"warning\"}"), List.of("node"))));
        Alert source = alert(Map.of("alertname", "NodeDown", "severity", "critical", "node", "n1"));
        Alert target = alert(Map.of("alertname", "DiskSlow", "severity", "warning", "node", "n1"));
        List<Long> events = alerts.accept(List.of(source, target)).newEvents();

        Exchange e = routed(events.get(1), target);
        silences.check(e);
        inhibitions.check(e);
        assertThat(e.getMessage().getHeader(Inhibitions.INHIBITED_BY))
                .isEqualTo("node-down/" + source.fingerprint());
        outbox.silenced(e);
        assertThat(alerts.listForApi(null, 10, 0)).filteredOn(r -> r.get("alertname").equals("DiskSlow"))
                .singleElement().satisfies(r -> assertThat(r.get("inhibitedBy"))
                        .isEqualTo(Map.of("rule", "node-down", "sourceFingerprint", source.fingerprint())));
        assertThat(silences.endMutes()).as("the source still fires").isEmpty();

        alerts.accept(List.of(source.withStatus(AlertStatus.RESOLVED, Instant.now())));
        assertThat(silences.endMutes()).containsExactly(events.get(1));
        assertThat(silences.endMutes()).as("once").isEmpty();
    }

    @Test
    void aRecurringSilenceMutesWhileItsWindowIsOpenAndIsReleasedWhenItCloses() {
        AtomicBoolean windowOpen = new AtomicBoolean(true);
        silences.useWindows(new Windows() {
            @Override
            public boolean isDefined(String name) {
                return name.equals("sunday-maintenance");
            }

            @Override
            public boolean isOpen(String name) {
                return isDefined(name) && windowOpen.get();
            }

            @Override
            public String unknown(String name) {
                return "time interval '" + name + "' is not defined";
            }
        });
        Exchange create = new DefaultExchange(camel);
        create.getMessage().setBody("""
                {"matchers":"{namespace=\\"etl\\"}","timeInterval":"sunday-maintenance","createdBy":"sre","comment":"batch"}""");
        String id = (String) silences.create(create).get("silenceID");
        Alert batch = alert(Map.of("alertname", "BatchSlow", "severity", "warning", "namespace", "etl"));
        long event = alerts.accept(List.of(batch)).newEvents().get(0);

        Exchange e = routed(event, batch);
        silences.check(e);
        assertThat(e.getMessage().getHeader(SilenceStore.SILENCED_BY)).isEqualTo(id);
        outbox.silenced(e);
        assertThat(silences.endMutes()).as("the window is open").isEmpty();
        assertThat(silences.list()).singleElement().satisfies(s -> {
            assertThat(s.get("timeInterval")).isEqualTo("sunday-maintenance");
            assertThat(s.get("endsAt")).isNull();
        });

        windowOpen.set(false);
        assertThat(silences.endMutes()).containsExactly(event);
    }

    private Alert alert(Map<String, String> labels) {
        return Alert.of(AlertStatus.FIRING, labels, Map.of(), startsAt, null, null, "alertmanager");
    }

    private Exchange routed(long eventId, Alert alert) {
        Exchange e = new DefaultExchange(camel);
        e.getMessage().setHeader(Outbox.EVENT_ID, eventId);
        e.getMessage().setBody(alert);
        return e;
    }
}
