package dev.alerthub.store;

/**
 * The store refused this data (a value it cannot keep), not a transient failure: retrying the same
 * request cannot succeed. Intake's limits are meant to make this unreachable; when it happens anyway,
 * only the request that carried the data fails, never the others committed with it.
 */
public class StoreRefusedException extends RuntimeException {
    public StoreRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
