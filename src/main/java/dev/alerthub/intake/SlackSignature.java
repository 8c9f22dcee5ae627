package dev.alerthub.intake;

import org.apache.camel.Exchange;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Verifies a request from Slack exactly as Slack signs it (docs.slack.dev "Verifying requests from
 * Slack"): {@code X-Slack-Signature} is {@code v0=} and the hex HMAC-SHA256, keyed with the app's
 * signing secret, of {@code v0:<X-Slack-Request-Timestamp>:<raw body bytes>}; the timestamp must be
 * within five minutes of the hub's clock, either way, so a captured request cannot be replayed later.
 * The comparison is constant-time. Anything else is 401, and nothing in the request is looked at.
 * With no signing secret the hub does not take Slack interactions at all: 404, since there is no
 * credential that could make the request acceptable (401 would suggest there is).
 */
public class SlackSignature {
    static final String SIGNATURE = "X-Slack-Signature";
    static final String TIMESTAMP = "X-Slack-Request-Timestamp";
    static final Duration WINDOW = Duration.ofMinutes(5);
    /** Slack's interaction payloads are a few kB; a large modal stays well under this. */
    static final int MAX_BYTES = 256 * 1024;

    private final byte[] secret;
    private final Clock clock;

    public SlackSignature(String signingSecret, Clock clock) {
        this.secret = signingSecret == null || signingSecret.isBlank() ? null
                : signingSecret.trim().getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    public boolean isEnabled() {
        return secret != null;
    }

    /** The raw body (platform-http with useBodyHandler=false) is verified, then left as the body (byte[]). */
    public void verify(Exchange exchange) {
        if (secret == null) {
            throw new HttpProblem(404, "Slack interactions are not enabled on this hub: set "
                    + "alerthub.slack.signing-secret (env ALERTHUB_SLACK_SIGNING_SECRET)");
        }
        byte[] body = RawBody.read(exchange.getMessage().getBody(), MAX_BYTES, Duration.ofSeconds(10));
        check(exchange.getMessage().getHeader(TIMESTAMP, String.class),
                exchange.getMessage().getHeader(SIGNATURE, String.class), body);
        exchange.getMessage().setBody(body);
    }

    void check(String timestamp, String signature, byte[] body) {
        if (timestamp == null || signature == null) {
            throw unauthorized(TIMESTAMP + " and " + SIGNATURE + ": required");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw unauthorized(TIMESTAMP + ": not a Unix time in seconds");
        }
        Duration skew = Duration.between(Instant.ofEpochSecond(seconds), clock.instant()).abs();
        if (skew.compareTo(WINDOW) > 0) {
            throw unauthorized(TIMESTAMP + ": more than 5 minutes from the hub's clock");
        }
        byte[] expected = ("v0=" + sign(timestamp.trim(), body)).getBytes(StandardCharsets.US_ASCII);
        // constant-time: the comparison must not reveal how much of the signature matched
        if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII))) {
            throw unauthorized(SIGNATURE + ": does not match the request");
        }
    }

    /** Hex HMAC-SHA256 of {@code v0:<timestamp>:<body>} with the signing secret. */
    String sign(String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static HttpProblem unauthorized(String why) {
        return new HttpProblem(401, why);
    }
}
