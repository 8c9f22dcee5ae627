package dev.alerthub.remediate;

/**
 * A remediation request's place in its work queue, as stored in {@code remediation_actions.state}
 * (the names rows written before this enum carry): queued -> claimed -> acting -> decided.
 * {@code acting} keeps the claim's lease while the change is applied; {@code decided} is final.
 */
public enum RemediationState {
    QUEUED("queued"), CLAIMED("claimed"), ACTING("acting"), DECIDED("decided");

    private final String stored;

    RemediationState(String stored) {
        this.stored = stored;
    }

    /** The stored name ({@link dev.alerthub.store.WorkQueue} stores a state as its {@code toString()}). */
    @Override
    public String toString() {
        return stored;
    }
}
