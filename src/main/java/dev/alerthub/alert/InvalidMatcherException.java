package dev.alerthub.alert;

/** A matcher, or a matcher expression, that cannot be used; the message says why (and where). */
public class InvalidMatcherException extends IllegalArgumentException {
    public InvalidMatcherException(String message) {
        super(message);
    }
}
