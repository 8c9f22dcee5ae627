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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router's records for a batch of alert events (deliveries, group changes) are written in the
 * transaction that marks the batch routed (PostgreSQL): one commit per batch instead of one per
 * alert, and nothing of an event whose routing did not finish.
 */
class OutboxBatchTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private Database db;
    private AlertStore alerts;
    private Outbox outbox;
    private Deliveries deliveries;

    @BeforeEach
    void start() {
        PostgresSchema schema = new PostgresSchema();
        open.add(schema);
        db = Database.open(schema.url(), PostgresSchema.user(), "");
        open.add(db);
        HubMetrics metrics = new HubMetrics(new SimpleMeterRegistry());
        Clock clock = Clock.systemUTC();
        alerts = new AlertStore(db, clock, 10_000, metrics);
        open.add(alerts);
        outbox = new Outbox(db, clock, Outbox.queue(db, clock, "test-hub", Duration.ofMinutes(1), Duration.ofSeconds(5)),
                new DeadLetters(db, clock, metrics), new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1)), 10);
        deliveries = new Deliveries(db, clock, Deliveries.queue(db, clock, "test-hub", Duration.ofMinutes(1),
                Duration.ofSeconds(5)), metrics, new NotificationHistory(db, clock),
                new AlertGroups(db, clock, Duration.ZERO, 10));
        outbox.recordDeliveriesWith(deliveries::write);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void aBatchsDeliveriesAreCommittedWithItsRoutedMarksAndHandedBackToQueue() {
        List<Long> events = store(firing(25, null));
        List<Exchange> routed = route(events, i -> "");

        assertThat(db.queryLong("SELECT COUNT(*) FROM deliveries"))
                .as("nothing is recorded before the batch is finished").isZero();
        Exchange batch = routed.get(0);
        outbox.finishBatch(batch);

        assertThat(db.queryLong("SELECT COUNT(*) FROM deliveries WHERE sink = 'slack' AND state = 'PENDING'"))
                .isEqualTo(25);
        assertThat(db.queryLong("SELECT COUNT(*) FROM alert_events WHERE state = 'DONE'")).isEqualTo(25);
        List<?> queued = batch.getMessage().getBody(List.class);
        assertThat(queued).hasSize(25).allSatisfy(d -> assertThat(((WorkQueue.Due) d).sink()).isEqualTo("slack"));
        assertThat(routed).allSatisfy(e -> assertThat(e.getMessage().getHeader(Deliveries.DELIVERY_ID)).isNull());
    }

    @Test
    void aBatchOfOneGroupMakesOneGroupDelivery() {
        List<Long> events = store(firing(25, "{}:{alertname=\"NodeDown\"}"));
        Exchange batch = route(events, i -> "").get(0);
        outbox.finishBatch(batch);

        assertThat(db.queryLong("SELECT COUNT(*) FROM group_members")).isEqualTo(25);
        assertThat(db.queryLong("SELECT COUNT(*) FROM deliveries WHERE group_id IS NOT NULL")).isEqualTo(1);
        assertThat(batch.getMessage().getBody(List.class)).hasSize(1);
    }

    @Test
    void aDeliveryTheStoreRefusesHoldsBackOnlyItsOwnEventWhichIsRetried() {
        List<Long> events = store(firing(10, null));
        // a target longer than the column: the store refuses that one delivery
        Exchange batch = route(events, i -> i == 3 ? "t".repeat(300) : "").get(0);
        outbox.finishBatch(batch);

        assertThat(db.queryLong("SELECT COUNT(*) FROM deliveries")).isEqualTo(9);
        assertThat(db.queryLong("SELECT COUNT(*) FROM alert_events WHERE state = 'DONE'")).isEqualTo(9);
        assertThat(db.queryLong("SELECT COUNT(*) FROM alert_events WHERE id = ? AND state = 'PENDING'"
                + " AND due_at IS NOT NULL", events.get(3))).as("retried with backoff").isEqualTo(1);
        assertThat(batch.getMessage().getBody(List.class)).hasSize(9);
    }

    @Test
    void theDeliveriesOfAnEventWhoseRoutingFailedAreNotRecorded() {
        List<Long> events = store(firing(3, null));
        List<Exchange> routed = route(events, i -> "");
        Exchange failing = routed.get(1);
        failing.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("router broke after the sink"));
        // routed() was called for every event by route(); a failure takes the place of its outcome
        Outbox.batchOf(failing).drainStates().clear();
        outbox.routed(routed.get(0));
        outbox.failed(failing);
        outbox.routed(routed.get(2));
        outbox.finishBatch(routed.get(0));

        assertThat(db.queryLong("SELECT COUNT(*) FROM deliveries WHERE event_id = ?", events.get(1))).isZero();
        assertThat(db.queryLong("SELECT COUNT(*) FROM deliveries")).isEqualTo(2);
    }

    private List<Alert> firing(int n, String groupKey) {
        Instant startsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        List<Alert> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Alert a = Alert.of(AlertStatus.FIRING, Map.of("alertname", "NodeDown", "instance", "node-" + i,
                    "severity", "warning"), Map.of(), startsAt, null, null, "alertmanager");
            out.add(groupKey == null ? a : a.withGroupKey(groupKey));
        }
        return out;
    }

    private List<Long> store(List<Alert> firing) {
        List<Long> events = alerts.accept(firing).newEvents();
        assertThat(events).hasSize(firing.size());
        return events;
    }

    /** Claims the events as one batch and routes each to Slack as outbox-dispatch does; the first exchange carries the batch. */
    private List<Exchange> route(List<Long> events, java.util.function.IntFunction<String> target) {
        Exchange batch = new DefaultExchange(camel);
        batch.getMessage().setBody(events);
        outbox.claimBatch(batch);
        List<?> claimed = batch.getMessage().getBody(List.class);
        assertThat(claimed).hasSize(events.size());
        List<Exchange> out = new ArrayList<>();
        for (int i = 0; i < claimed.size(); i++) {
            Exchange e = i == 0 ? batch : new DefaultExchange(camel);
            e.setProperty(Outbox.OUTCOMES, batch.getProperty(Outbox.OUTCOMES));
            e.getMessage().setBody(claimed.get(i));
            outbox.open(e);
            e.getMessage().setHeader(Deliveries.TARGET, target.apply(i));
            deliveries.enqueue(e, "slack");
            outbox.routed(e);
            out.add(e);
        }
        return out;
    }
}
