package dev.alerthub.remediate;

import dev.alerthub.config.Durations;
import java.time.Duration;
import java.time.Instant;

/**
 * The guards that need the store, in the order they are reported. Evaluated inside the transaction
 * that holds the remediation lock, on facts read in that transaction, so that two alerts (or two
 * replicas) deciding at the same moment see each other's decisions.
 */
public final class Guards {

    /**
     * Facts about the hub and the target Deployment at the moment of deciding.
     *
     * @param alertStillFiring the stored alert is still this firing occurrence
     * @param verifying        an earlier action on this Deployment is still being verified
     * @param undoes           for a rollback that would restore a template the hub itself rolled back
     *                         from earlier: that rollback, in words; else null
     * @param lastCountedAt    the last action (or dry-run) on this Deployment, or null
     * @param countedLastHour  actions (and dry-runs) of the whole hub in the last hour
     */
    public record Facts(boolean paused, boolean dryRun, boolean alertStillFiring, String heldReason, String undoes,
                        boolean verifying, Instant lastCountedAt, int countedLastHour, Instant now) {
    }

    /** A guard's answer: the outcome (a refusal, dry-run, or {@link Outcome#ACTING}) and why. */
    public record Verdict(String outcome, String detail) {
    }

    private final Duration cooldown;
    private final int maxPerHour;

    public Guards(Duration cooldown, int maxPerHour) {
        this.cooldown = cooldown;
        this.maxPerHour = maxPerHour;
    }

    /**
     * The kill switch and the hold, checked before the cluster is even read; null when neither
     * refuses. {@link #decide} checks them again under the lock.
     */
    public Verdict early(boolean paused, String heldReason) {
        if (paused) {
            return of(Outcome.skipped("paused"), "remediation is paused (POST /api/remediation/resume or JMX "
                    + "dev.alerthub:type=Remediation Paused=false)");
        }
        if (heldReason != null) {
            return of(Outcome.skipped("held"), "the Deployment is held after a remediation that did not help ("
                    + heldReason + "); DELETE /api/remediation/holds/{namespace}/{deployment} releases it");
        }
        return null;
    }

    public Verdict decide(Facts f) {
        if (f.paused()) {
            return early(true, null);
        }
        if (!f.alertStillFiring()) {
            return of(Outcome.skipped("alert-resolved"), "the alert is no longer firing");
        }
        if (f.heldReason() != null) {
            return early(false, f.heldReason());
        }
        if (f.undoes() != null) {
            return of(Outcome.skipped("rollback-loop"), "this would restore the template the hub rolled back from ("
                    + f.undoes() + "); a rollback of a rollback redeploys what was taken out, so it is left to a person");
        }
        if (f.lastCountedAt() != null && f.lastCountedAt().plus(cooldown).isAfter(f.now())) {
            return of(Outcome.skipped("cooldown"), "last action on this Deployment at " + f.lastCountedAt()
                    + "; cooldown " + Durations.format(cooldown) + " (alerthub.remediation.cooldown)");
        }
        if (f.verifying()) {
            return of(Outcome.skipped("verifying"), "an earlier action on this Deployment is still being verified");
        }
        if (f.countedLastHour() >= maxPerHour) {
            return of(Outcome.skipped("budget"), f.countedLastHour() + " action(s) in the last hour; budget "
                    + maxPerHour + " (alerthub.remediation.max-per-hour)");
        }
        if (f.dryRun()) {
            return of(Outcome.DRY_RUN, "dry-run: every guard passed; nothing was changed");
        }
        return of(Outcome.ACTING, null);
    }

    private static Verdict of(String outcome, String detail) {
        return new Verdict(outcome, detail);
    }
}
