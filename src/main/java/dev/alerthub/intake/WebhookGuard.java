package dev.alerthub.intake;

import org.apache.camel.Exchange;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * The checks a webhook passes before its body is even parsed: bearer token (401), size (413) and
 * content type (415). Order matters: an unauthenticated caller learns nothing else.
 */
public class WebhookGuard {
    private final byte[] token;
    private final long maxBytes;

    public WebhookGuard(String token, long maxBytes) {
        this.token = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
        this.maxBytes = maxBytes;
    }

    public boolean requiresToken() {
        return token != null;
    }

    public void check(Exchange exchange) {
        checkToken(exchange.getMessage().getHeader("Authorization", String.class));
        Long declared = exchange.getMessage().getHeader(Exchange.CONTENT_LENGTH, Long.class);
        if (declared != null && declared > maxBytes) {
            throw tooLarge(declared);
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body != null && body.length > maxBytes) {
            throw tooLarge(body.length);
        }
        checkContentType(exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class));
        exchange.getMessage().setBody(body);
    }

    private void checkToken(String authorization) {
        if (token == null) {
            return;
        }
        if (authorization == null || authorization.isBlank()) {
            throw new HttpProblem(401, "Authorization: missing; this hub requires 'Authorization: Bearer <token>'");
        }
        String prefix = "bearer ";
        byte[] presented = authorization.regionMatches(true, 0, prefix, 0, prefix.length())
                ? authorization.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        // constant-time: the comparison must not reveal how much of the token matched
        if (!MessageDigest.isEqual(presented, token)) {
            throw new HttpProblem(401, "Authorization: bearer token is not valid");
        }
    }

    private HttpProblem tooLarge(long size) {
        return new HttpProblem(413, "body: " + size + " bytes is more than alerthub.webhook.max-bytes ("
                + maxBytes + ")");
    }

    private static void checkContentType(String contentType) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json")) {
            throw new HttpProblem(415, "Content-Type: '" + (contentType == null ? "" : contentType)
                    + "' is not supported; send application/json");
        }
    }
}
