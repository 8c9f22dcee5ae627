package dev.alerthub.store;

/**
 * A request the store refuses because of what it asks (a malformed silence, an id that is not a
 * number): nothing was changed, and the message names the field and the problem. The HTTP edge
 * answers it with 400.
 */
public class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        // the message is the whole story for the caller; a stack trace would only fill the log
        super(message, null, false, false);
    }
}
