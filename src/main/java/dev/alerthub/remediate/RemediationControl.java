package dev.alerthub.remediate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The kill switch and dry-run switch, over HTTP (POST /api/remediation/pause|resume) and JMX
 * ({@code dev.alerthub:type=Remediation}, attributes Paused and DryRun). Both live in the store, so
 * they hold across a restart and for every replica.
 */
public class RemediationControl implements RemediationControlMBean {
    public static final String OBJECT_NAME = "dev.alerthub:type=Remediation";
    private static final Logger LOG = LoggerFactory.getLogger(RemediationControl.class);
    /** The instance registered in this JVM (several hubs run in one JVM in tests). */
    private static final AtomicReference<RemediationControl> REGISTERED = new AtomicReference<>();

    private final RemediationHolds holds;
    private final boolean configuredDryRun;

    public RemediationControl(RemediationHolds holds, boolean configuredDryRun) {
        this.holds = holds;
        this.configuredDryRun = configuredDryRun;
    }

    @Override
    public boolean isPaused() {
        return holds.control().paused();
    }

    @Override
    public void setPaused(boolean paused) {
        pause(paused, "jmx");
    }

    @Override
    public boolean isDryRun() {
        Boolean stored = holds.control().dryRun();
        return stored != null ? stored : configuredDryRun;
    }

    @Override
    public void setDryRun(boolean dryRun) {
        holds.setDryRun(dryRun, "jmx");
        LOG.warn("Remediation dry-run {} over JMX (stored; wins over alerthub.remediation.dry-run={})",
                dryRun ? "on" : "off", configuredDryRun);
    }

    public void pause(boolean paused, String by) {
        holds.setPaused(paused, by);
        LOG.warn("Remediation {} over {}", paused ? "PAUSED" : "resumed", by.toUpperCase());
    }

    /** Registers on the platform MBeanServer, replacing a previous hub's registration in this JVM. */
    public ObjectName register() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(OBJECT_NAME);
        try {
            server.registerMBean(this, name);
        } catch (InstanceAlreadyExistsException e) {
            server.unregisterMBean(name);
            server.registerMBean(this, name);
        }
        REGISTERED.set(this);
        return name;
    }

    /** Unregisters, if this instance is the one registered. */
    public void unregister(ObjectName name) {
        if (!REGISTERED.compareAndSet(this, null)) {
            return;
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // already gone
        } catch (Exception e) {
            LOG.debug("Unregistering {}: {}", name, e.getMessage());
        }
    }
}
