package dev.alerthub.store;

/** The state store cannot be reached or refused a write: transient, the caller should retry. */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
