package dev.alerthub.support;

import java.util.concurrent.TimeUnit;

public final class Processes {
    private Processes() {
    }

    /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
    public static void stop(Process process, int graceSeconds) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
