package dev.alerthub.remediate;

/** JMX {@code dev.alerthub:type=Remediation}: the kill switch and dry-run, for jconsole and Jolokia. */
public interface RemediationControlMBean {
    boolean isPaused();

    void setPaused(boolean paused);

    boolean isDryRun();

    void setDryRun(boolean dryRun);
}
