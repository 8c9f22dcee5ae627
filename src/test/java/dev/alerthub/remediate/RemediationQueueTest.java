package dev.alerthub.remediate;

import dev.alerthub.store.Database;
import dev.alerthub.support.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The remediation requests on the store's leased work queue, across a restart of the hub. Time is a test clock. */
class RemediationQueueTest {
    static final Duration LEASE = Duration.ofMinutes(2);
    static final Duration RECOVERY_AGE = Duration.ofSeconds(5);

    private final TestClock clock = new TestClock(Instant.parse("2026-12-02T10:00:00Z"));

    private RemediationQueue queue(Database db, String owner) {
        return new RemediationQueue(db, clock, owner, LEASE, RECOVERY_AGE);
    }

    private Long request(RemediationQueue q, String name) {
        return q.request(RemediationDecisionsTest.alert(name, clock.instant()), "rollback", "shop", "checkout");
    }

    @Test
    void aRestartedHubTakesBackItsOwnClaimedRequestAtOnce(@TempDir Path dir) {
        try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("store"), "", "")) {
            RemediationQueue before = queue(db, "host-1:/data");
            Long mine = request(before, "Crash");
            Long replicas = request(before, "Other");
            assertThat(before.claim(mine)).isNotNull();
            assertThat(queue(db, "host-2:/data").claim(replicas)).isNotNull();
            clock.advance(Duration.ofSeconds(10)); // the hub is killed, and started again

            RemediationQueue restarted = queue(db, "host-1:/data");
            assertThat(restarted.releaseOwnLeases()).isEqualTo(1);
            assertThat(restarted.due()).as("due now, long before the lease would run out").containsExactly(mine);
            assertThat(restarted.claim(mine)).isNotNull();
            assertThat(restarted.claim(replicas)).as("the other replica's live lease").isNull();
        }
    }

    @Test
    void aRestartedHubRecordsTheActionItWasApplyingAsInterruptedAtOnce(@TempDir Path dir) {
        try (Database db = Database.open("jdbc:h2:file:" + dir.resolve("store"), "", "")) {
            RemediationQueue before = queue(db, "host-1:/data");
            Long id = request(before, "Crash");
            before.claim(id);
            RemediationDecisions decisions = new RemediationDecisions(db, clock);
            RemediationCase acting = decisions.decide(RemediationCase.of(id, RemediationDecisionsTest.alert("Crash",
                    clock.instant())).checked(Action.ROLLBACK, "shop", "checkout", null, null),
                    RemediationDecisionsTest.GUARDS, false, LEASE);
            assertThat(acting.outcome()).isEqualTo(Outcome.ACTING);

            RemediationQueue restarted = queue(db, "host-1:/data");
            assertThat(restarted.releaseOwnLeases()).isEqualTo(1);
            assertThat(new RemediationAudit(db, clock).row(id).outcome()).isEqualTo("failed:interrupted");
            assertThat(restarted.due()).as("never retried").isEmpty();
            assertThat(restarted.claim(id)).isNull();
        }
    }
}
