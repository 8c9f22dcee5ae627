package dev.alerthub.store;

/**
 * The request is well-formed but the stored state does not allow it any more (a dead letter that was
 * already replayed). The HTTP edge answers 409.
 */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message, null, false, false);
    }
}
