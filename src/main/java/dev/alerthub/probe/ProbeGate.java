package dev.alerthub.probe;

/**
 * Whether this hub evaluates probes now. Every Quartz firing of every probe asks the bean bound as
 * {@code probeGate} before anything else happens; the default always says yes. Leader election
 * binds its own gate under that name so that only the leader evaluates (probe state is in the
 * store, so a new leader continues pending {@code for}s where the old one left them).
 */
@FunctionalInterface
public interface ProbeGate {
    String BEAN = "probeGate";

    ProbeGate ALWAYS_OPEN = () -> true;

    boolean isOpen();
}
