package dev.alerthub.remediate;

import java.time.Duration;
import java.util.Set;

/** Remediation settings for unit tests: the defaults, with these namespaces allowed. */
final class Settings {
    private Settings() {
    }

    static RemediationSettings of(String... namespaces) {
        return new RemediationSettings(Set.of(namespaces), false, Duration.ofMinutes(10), 3, 20, Duration.ofMinutes(5),
                Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofSeconds(10), "");
    }
}
