package dev.alerthub.store;

/** What a request names is not in the store (a silence, a dead letter, a hold). The HTTP edge answers 404. */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message, null, false, false);
    }
}
