package dev.alerthub.remediate;

import dev.alerthub.kube.KubernetesNames;
import dev.alerthub.config.Props;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's limits on remediation (alerthub.remediation.*, docs/remediation.md).
 *
 * @param namespaces     where actions may run; empty: nowhere
 * @param dryRun         the configured dry-run (a value set over JMX, kept in the store, wins)
 * @param cooldown       no second action on the same Deployment within this
 * @param maxPerHour     actions the whole hub may take in any hour
 * @param maxReplicas    the most a scale action may ask for
 * @param rolloutTimeout how long the rollout may take to become available after an action
 * @param verifyWindow   how long the triggering alert may take to resolve after an action
 * @param lease          how long one worker owns a remediation before another may take it over
 * @param recoveryAge    how old a queued remediation must be before the recovery poll re-queues it
 * @param slackTarget    Slack target for the audit messages ("" = the default webhook)
 */
public record RemediationSettings(Set<String> namespaces, boolean dryRun, Duration cooldown, int maxPerHour,
                                  int maxReplicas, Duration rolloutTimeout, Duration verifyWindow, Duration lease,
                                  Duration recoveryAge, String slackTarget) {

    public static RemediationSettings from(Props p) {
        Set<String> namespaces = Arrays.stream(p.get("alerthub.remediation.namespaces").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        for (String ns : namespaces) {
            if (!KubernetesNames.isNamespace(ns)) {
                throw new IllegalArgumentException("alerthub.remediation.namespaces: " + KubernetesNames.quote(ns)
                        + " is not a Kubernetes namespace name");
            }
        }
        int maxPerHour = p.getInt("alerthub.remediation.max-per-hour", 3);
        int maxReplicas = p.getInt("alerthub.remediation.max-replicas", 20);
        if (maxPerHour < 0 || maxReplicas < 0) {
            throw new IllegalArgumentException("alerthub.remediation.max-per-hour and max-replicas must not be negative");
        }
        return new RemediationSettings(namespaces, p.getBoolean("alerthub.remediation.dry-run", false),
                p.getDuration("alerthub.remediation.cooldown", Duration.ofMinutes(10)), maxPerHour, maxReplicas,
                p.getDuration("alerthub.remediation.rollout-timeout", Duration.ofMinutes(5)),
                p.getDuration("alerthub.remediation.verify-window", Duration.ofMinutes(10)),
                p.getDuration("alerthub.remediation.lease", Duration.ofMinutes(2)),
                p.getDuration("alerthub.remediation.recovery-age", Duration.ofSeconds(10)),
                p.get("alerthub.remediation.slack-target"));
    }
}
