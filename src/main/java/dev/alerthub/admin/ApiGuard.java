package dev.alerthub.admin;

import dev.alerthub.intake.HttpProblem;
import io.vertx.core.net.SocketAddress;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may change the hub over {@code /api}: a write (anything but GET, HEAD, OPTIONS) needs
 * {@code Authorization: Bearer <alerthub.api.token>} (401 otherwise); with no token configured,
 * only a client on the hub's own machine may write (403 otherwise). Reads stay open. Runs first on
 * every /api route, from the {@code http-api} routeConfiguration's interceptFrom.
 */
public class ApiGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ApiGuard.class);
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final String BEARER = "bearer ";
    private static final Pattern LOOPBACK = Pattern.compile(
            "(::ffff:)?127(\\.\\d{1,3}){3}|::1|0:0:0:0:0:0:0:1|0000:0000:0000:0000:0000:0000:0000:0001");

    private final byte[] token;

    public ApiGuard(String token) {
        this.token = token == null || token.isBlank() ? null : token.trim().getBytes(StandardCharsets.UTF_8);
        if (this.token == null) {
            LOG.warn("alerthub.api.token is not set: /api writes (silences, remediation pause/resume, holds, "
                    + "dead-letter replay) are accepted from loopback clients only; set it (env ALERTHUB_API_TOKEN) "
                    + "to allow them from elsewhere with 'Authorization: Bearer <token>'");
        }
    }

    public void check(Exchange exchange) {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, "GET", String.class);
        if (READS.contains(method.toUpperCase(Locale.ROOT))) {
            return;
        }
        if (token != null) {
            checkToken(exchange.getMessage().getHeader("Authorization", String.class));
        } else if (!isLoopback(exchange.getMessage().getHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS))) {
            throw new HttpProblem(403, "Authorization: this hub has no alerthub.api.token, so /api writes are "
                    + "accepted from the hub's own machine only");
        }
    }

    private void checkToken(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new HttpProblem(401, "Authorization: missing; /api writes need 'Authorization: Bearer <token>'");
        }
        byte[] presented = authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        // constant time: how long the comparison takes must not tell how much of the token matched
        if (!MessageDigest.isEqual(presented, token)) {
            throw new HttpProblem(401, "Authorization: bearer token is not valid");
        }
    }

    /**
     * The TCP peer as Vert.x saw it (never a forwarding header a client can write), as the numeric
     * address Vert.x reports: 127.0.0.0/8, ::1 or an IPv4-mapped 127.x. Anything else, or nothing, is
     * remote. Read as text so that no name is ever looked up.
     */
    static boolean isLoopback(Object remote) {
        String host = remote instanceof SocketAddress a ? a.hostAddress() : null;
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
        return LOOPBACK.matcher(h).matches();
    }
}
