package dev.alerthub.notify;

import java.util.Set;

/**
 * Slack's Web API answered HTTP 200 with {@code {"ok":false,"error":"..."}}. Only a few of its errors
 * go away by trying again (rate limit, Slack's own failures); the rest ({@code invalid_auth},
 * {@code channel_not_found}, {@code not_in_channel}, {@code invalid_blocks}, ...) need a person, so
 * the delivery is a dead letter at once (SinkRetry).
 */
public class SlackApiException extends RuntimeException {
    /** Errors that another try may fix (docs.slack.dev: "ratelimited", "internal_error", ...). */
    static final Set<String> TRANSIENT = Set.of("ratelimited", "rate_limited", "internal_error", "fatal_error",
            "service_unavailable", "request_timeout", "team_added_to_org");

    private final String method;
    private final String error;
    private final transient String retryAfter;

    public SlackApiException(String method, String error, String retryAfter) {
        super("Slack " + method + ": " + error, null, false, false);
        this.method = method;
        this.error = error;
        this.retryAfter = retryAfter;
    }

    public String error() {
        return error;
    }

    public String method() {
        return method;
    }

    public boolean isTransient() {
        return TRANSIENT.contains(error);
    }

    /** The answer's Retry-After header (seconds), or null. */
    public String retryAfter() {
        return retryAfter;
    }
}
