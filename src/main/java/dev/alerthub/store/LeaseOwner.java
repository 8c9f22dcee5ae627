package dev.alerthub.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Who holds a lease in the store's work queues. The id is stable across restarts of one
 * installation (host name and working folder: a Kubernetes pod's name survives a container
 * restart), so a restarted hub can take back what its previous incarnation held at once. Two live
 * hubs must never share it, or one would take over the other's live work and send it twice: the
 * id is guarded by an OS file lock in the working folder, which a killed process loses; a second
 * hub started in the same folder gets a random id (and takes nothing over).
 */
public final class LeaseOwner {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseOwner.class);

    private final String id;
    private final boolean takesOverPrevious;
    // held for the life of the JVM: the lock is what tells a second process the id is taken
    private final FileChannel lockChannel;

    private LeaseOwner(String id, boolean takesOverPrevious, FileChannel lockChannel) {
        this.id = id;
        this.takesOverPrevious = takesOverPrevious;
        this.lockChannel = lockChannel;
    }

    /**
     * @param configured {@code alerthub.instance-id} (empty: host name and working folder)
     * @param lockDir    where the lock file goes: the embedded store's folder, else the working folder
     */
    public static LeaseOwner acquire(String configured, Path lockDir) {
        String stable = configured == null || configured.isBlank()
                ? hostName() + ":" + lockDir.toAbsolutePath().normalize() : configured.strip();
        stable = stable.length() > 200 ? stable.substring(stable.length() - 200) : stable;
        try {
            Files.createDirectories(lockDir);
            FileChannel ch = FileChannel.open(lockDir.resolve(".alerthub-instance.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // another hub in this JVM (tests) holds it
            }
            if (lock != null) {
                return new LeaseOwner(stable, true, ch);
            }
            ch.close();
            String random = stable + ":" + UUID.randomUUID();
            LOG.warn("Another hub runs in {}: leases here are owned by {} and nothing of a previous run is taken "
                    + "over early (set alerthub.instance-id per hub)", lockDir, random);
            return new LeaseOwner(random, false, null);
        } catch (IOException | RuntimeException e) {
            // a read-only working folder (a Kubernetes pod): the pod name alone is unique among live pods
            LOG.debug("No instance lock in {} ({}); lease owner {}", lockDir, e.toString(), stable);
            return new LeaseOwner(stable, true, null);
        }
    }

    public String id() {
        return id;
    }

    /** False when another live hub may share the stable id: then nothing is released at start. */
    public boolean takesOverPrevious() {
        return takesOverPrevious;
    }

    /** Gives the id up (the hub stops): a hub started next in this folder may take over. */
    public void release() {
        if (lockChannel != null) {
            try {
                lockChannel.close();
            } catch (IOException e) {
                LOG.debug("Closing the instance lock: {}", e.toString());
            }
        }
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
