package dev.alerthub.remediate;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class GuardsTest {
    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    final Guards guards = new Guards(Duration.ofMinutes(10), 3);

    static Guards.Facts facts(boolean paused, boolean dryRun, boolean firing, String held, String undoes,
                              boolean verifying, Instant last, int lastHour) {
        return new Guards.Facts(paused, dryRun, firing, held, undoes, verifying, last, lastHour, NOW);
    }

    @Test
    void nothingInTheWayMeansAct() {
        assertThat(guards.decide(facts(false, false, true, null, null, false, null, 0)).outcome()).isEqualTo(Outcome.ACTING);
    }

    @Test
    void eachGuardRefusesWithItsOwnReason() {
        assertThat(guards.decide(facts(true, false, true, null, null, false, null, 0)).outcome()).isEqualTo("skipped:paused");
        assertThat(guards.decide(facts(false, false, false, null, null, false, null, 0)).outcome()).isEqualTo("skipped:alert-resolved");
        assertThat(guards.decide(facts(false, false, true, "rollback did not help", null, false, null, 0)).outcome())
                .isEqualTo("skipped:held");
        assertThat(guards.decide(facts(false, false, true, null, "audit 4", false, null, 0)).outcome())
                .isEqualTo("skipped:rollback-loop");
        Guards.Verdict cooldown = guards.decide(facts(false, false, true, null, null, false, NOW.minusSeconds(599), 0));
        assertThat(cooldown.outcome()).isEqualTo("skipped:cooldown");
        assertThat(cooldown.detail()).isEqualTo("last action on this Deployment at 2026-11-23T09:50:01Z; cooldown 10m"
                + " (alerthub.remediation.cooldown)");
        assertThat(guards.decide(facts(false, false, true, null, null, true, null, 0)).outcome()).isEqualTo("skipped:verifying");
        Guards.Verdict budget = guards.decide(facts(false, false, true, null, null, false, null, 3));
        assertThat(budget.outcome()).isEqualTo("skipped:budget");
        assertThat(budget.detail()).isEqualTo("3 action(s) in the last hour; budget 3 (alerthub.remediation.max-per-hour)");
        assertThat(guards.decide(facts(false, true, true, null, null, false, null, 0)).outcome()).isEqualTo("dry-run");
    }

    @Test
    void theCooldownEndsAfterItsLength() {
        assertThat(guards.decide(facts(false, false, true, null, null, false, NOW.minusSeconds(600), 2)).outcome())
                .isEqualTo(Outcome.ACTING);
    }

    @Test
    void theKillSwitchWinsOverEveryOtherReasonAndDryRunComesLast() {
        assertThat(guards.decide(facts(true, true, false, "held", "audit 1", true, NOW, 99)).outcome())
                .isEqualTo("skipped:paused");
        assertThat(guards.decide(facts(false, true, true, null, null, false, NOW, 0)).outcome())
                .as("a dry-run still respects the cooldown, so it shows what the live hub would do").isEqualTo("skipped:cooldown");
    }
}
