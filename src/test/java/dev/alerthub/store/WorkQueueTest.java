package dev.alerthub.store;

import dev.alerthub.support.PostgresSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's one leased work queue (claim, lease, renew, due, order, take-over), on both stores the
 * hub supports: embedded H2 and the machine's PostgreSQL. Time is a test clock.
 */
class WorkQueueTest {
    static final Duration LEASE = Duration.ofMinutes(1);
    static final Duration RECOVERY_AGE = Duration.ofSeconds(5);

    private final List<AutoCloseable> open = new ArrayList<>();
    private final TestClock clock = new TestClock(Instant.parse("2026-12-02T10:00:00Z"));
    private Database db;

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private void store(String kind) throws Exception {
        String url;
        if (kind.equals("postgresql")) {
            PostgresSchema schema = new PostgresSchema();
            open.add(schema);
            url = schema.url();
        } else {
            url = "jdbc:h2:file:" + Files.createTempDirectory("alerthub-queue").resolve("db");
        }
        db = Database.open(url, kind.equals("postgresql") ? PostgresSchema.user() : "", "");
        open.add(db);
    }

    private WorkQueue<Outbox.State> queue(String owner) {
        return new WorkQueue<>(db, clock, Outbox.SHAPE, owner, LEASE, RECOVERY_AGE);
    }

    private long event(String fingerprint) {
        Instant startsAt = clock.instant().minusSeconds(db.queryLong("SELECT COUNT(*) FROM alert_events") + 1);
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO alert_events (fingerprint, status, starts_at, body, state, created_at)
                    VALUES (?, 'firing', ?, '{}', 'PENDING', ?)""", Statement.RETURN_GENERATED_KEYS)) {
                Database.bind(ps, fingerprint, startsAt, clock.instant());
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private String state(long id) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state FROM alert_events WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    private List<Long> due(WorkQueue<Outbox.State> q) {
        return q.due(100).stream().map(WorkQueue.Due::id).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aPendingRowIsClaimedOnceAndItsAttemptCounted(String kind) throws Exception {
        store(kind);
        long id = event("a");
        assertThat(queue("hub-1").claim(id)).isEqualTo(1);
        assertThat(queue("hub-2").claim(id)).as("held under another worker's lease").isZero();
        assertThat(state(id)).isEqualTo("ROUTING");
        queue("hub-1").finish(id, Outbox.State.DONE);
        assertThat(queue("hub-2").claim(id)).as("finished").isZero();
        assertThat(state(id)).isEqualTo("DONE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aLaterRowOfTheSameKeyWaitsUntilTheEarlierOneIsFinished(String kind) throws Exception {
        store(kind);
        WorkQueue<Outbox.State> q = queue("hub-1");
        long first = event("a");
        long second = event("a");
        long other = event("b");
        assertThat(q.claim(second)).as("its trigger is still open").isZero();
        assertThat(q.claim(other)).as("another key is not held up").isEqualTo(1);
        assertThat(q.claim(first)).isEqualTo(1);
        assertThat(q.claim(second)).as("its trigger is being worked on").isZero();
        q.finish(first, Outbox.State.DONE);
        assertThat(q.claim(second)).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aBatchIsClaimedInOneTransactionInOrderAndItsOutcomesMarkedTogether(String kind) throws Exception {
        store(kind);
        WorkQueue<Outbox.State> q = queue("hub-1");
        long first = event("a");
        long second = event("a");
        long other = event("b");
        long heldElsewhere = event("c");
        queue("hub-2").claim(heldElsewhere);

        List<Long> claimed = db.inTransaction(c -> q.claimAll(c, List.of(other, second, first, heldElsewhere)));
        assertThat(claimed).as("in id order; the later row of key a waits for its trigger; hub-2's lease holds")
                .containsExactly(first, other);
        assertThat(queue("hub-2").claim(first)).as("leased to hub-1").isZero();

        db.inTransaction(c -> {
            q.finishAll(c, claimed, Outbox.State.DONE);
            return null;
        });
        assertThat(state(first)).isEqualTo("DONE");
        assertThat(state(other)).isEqualTo("DONE");
        List<Long> next = db.inTransaction(c -> q.claimAll(c, List.of(second)));
        assertThat(next).containsExactly(second);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aRetryWaitsForItsDueTimeWithoutAWorkerAndKeepsItsPlaceInOrder(String kind) throws Exception {
        store(kind);
        WorkQueue<Outbox.State> q = queue("hub-1");
        long first = event("a");
        long second = event("a");
        q.claim(first);
        q.retryAt(first, clock.instant().plusSeconds(30), true);
        assertThat(state(first)).as("no lease: nobody holds it while it waits").isEqualTo("PENDING");
        assertThat(q.claim(first)).as("not due yet").isZero();
        assertThat(q.claim(second)).as("the retry keeps its place before later rows").isZero();

        clock.advance(Duration.ofSeconds(29));
        assertThat(due(q)).doesNotContain(first);
        clock.advance(Duration.ofSeconds(1));
        assertThat(due(q)).startsWith(first);
        assertThat(q.claim(first)).as("second attempt").isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aRescheduleThatWasNotAnAttemptDoesNotCountAsOne(String kind) throws Exception {
        store(kind);
        WorkQueue<Outbox.State> q = queue("hub-1");
        long id = event("a");
        q.claim(id);
        q.retryAt(id, clock.instant(), false);
        assertThat(q.claim(id)).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aNewRowIsDueOnlyAfterTheRecoveryAgeLeftTheFastPathItsChance(String kind) throws Exception {
        store(kind);
        WorkQueue<Outbox.State> q = queue("hub-1");
        long id = event("a");
        assertThat(due(q)).isEmpty();
        clock.advance(RECOVERY_AGE.plusMillis(1));
        assertThat(due(q)).containsExactly(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void anExpiredLeaseIsDueAndAnotherWorkerTakesItOverButARenewedOneIsNot(String kind) throws Exception {
        store(kind);
        WorkQueue<Outbox.State> dead = queue("hub-1");
        WorkQueue<Outbox.State> alive = queue("hub-2");
        long lost = event("a");
        long kept = event("b");
        dead.claim(lost);
        alive.claim(kept);
        clock.advance(Duration.ofSeconds(50));
        assertThat(alive.renew(kept, Duration.ZERO)).isTrue();
        assertThat(alive.renew(lost, Duration.ZERO)).as("only the owner renews").isFalse();
        clock.advance(Duration.ofSeconds(11));
        assertThat(due(alive)).containsExactly(lost);
        assertThat(alive.claim(lost)).isEqualTo(2);
        assertThat(dead.claim(kept)).as("renewed: still held").isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aRestartedHubTakesBackItsOwnLeasesAtOnceButNotALiveReplicas(String kind) throws Exception {
        store(kind);
        long mine = event("a");
        long replicas = event("b");
        queue("host-1:/data").claim(mine);
        queue("host-2:/data").claim(replicas);

        WorkQueue<Outbox.State> restarted = queue("host-1:/data");
        assertThat(restarted.releaseOwnLeases()).isEqualTo(1);
        assertThat(due(restarted)).as("due now, long before the lease would run out").containsExactly(mine);
        assertThat(restarted.claim(mine)).isEqualTo(2);
        assertThat(restarted.claim(replicas)).as("the other replica's live lease").isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void depthCountsRowsNotYetFinished(String kind) throws Exception {
        store(kind);
        WorkQueue<Outbox.State> q = queue("hub-1");
        long a = event("a");
        event("b");
        q.claim(a);
        assertThat(q.depth()).isEqualTo(2);
        q.finish(a, Outbox.State.SILENCED);
        assertThat(q.depth()).isEqualTo(1);
    }

    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
