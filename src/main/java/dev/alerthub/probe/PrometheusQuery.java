package dev.alerthub.probe;

import org.apache.camel.util.URISupport;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The bean around the PromQL probe's HTTP call (routes/probes/evaluation.camel.yaml, route
 * probe-promql): builds the query string, reads the answer, and turns "could not reach Prometheus"
 * into a failed result. The query text comes from the probe file only; nothing from an alert is
 * ever put into it.
 */
public class PrometheusQuery {
    private final Duration timeout;
    private final String prometheusUrl;
    private final String queryUrl;
    private final String authorization;

    /**
     * Credentials in {@code alerthub.prometheus.url} ({@code https://user:pass@host}) are sent as a Basic
     * Authorization header and kept out of the URL: the route's endpoint is fixed and the real URL travels
     * in the CamelHttpUri header, so it never becomes an endpoint URI (JMX, Jolokia, the endpoint registry).
     */
    public PrometheusQuery(Duration timeout, String prometheusUrl) {
        this.timeout = timeout;
        this.prometheusUrl = prometheusUrl;
        URI uri = URI.create(prometheusUrl.replaceAll("/+$", "") + "/api/v1/query");
        String userInfo = uri.getRawUserInfo();
        this.authorization = userInfo == null ? null : basic(java.net.URLDecoder.decode(userInfo, StandardCharsets.UTF_8));
        this.queryUrl = userInfo == null ? uri.toString() : uri.toString().replace(userInfo + "@", "");
    }

    /** Leaves a bodiless GET with {@code query}, {@code time} and {@code timeout} URL-encoded. */
    public void request(Exchange exchange) {
        ProbeRun run = exchange.getProperty(ProbeRun.PROPERTY, ProbeRun.class);
        Message m = exchange.getMessage();
        m.setHeader(Exchange.HTTP_METHOD, "GET");
        m.setHeader(Exchange.HTTP_URI, queryUrl);
        if (authorization != null) {
            m.setHeader("Authorization", authorization);
        }
        m.setHeader(Exchange.HTTP_QUERY, queryString(run.spec().query(), run.at().toEpochMilli(), timeout));
        m.setBody(null);
    }

    private static String basic(String userColonPassword) {
        String pair = userColonPassword.contains(":") ? userColonPassword : userColonPassword + ":";
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    static String queryString(String query, long atMillis, Duration timeout) {
        return "query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&time=" + String.format(java.util.Locale.ROOT, "%d.%03d", atMillis / 1000, atMillis % 1000)
                + "&timeout=" + Math.max(1, timeout.toMillis()) + "ms";
    }

    /** Any HTTP answer (the route does not throw on 4xx/5xx: Prometheus explains its errors in JSON). */
    public ProbeResult response(Exchange exchange) {
        Message m = exchange.getMessage();
        Integer status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String body = m.getBody(String.class);
        m.removeHeaders("*");
        return PrometheusResponse.parse(status == null ? 0 : status, body);
    }

    /** The request never got an answer: connection refused, timeout, DNS. */
    public ProbeResult unreachable(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.getMessage().removeHeaders("*");
        return ProbeResult.failed("Prometheus at " + URISupport.sanitizeUri(prometheusUrl) + " is unreachable: " + describe(t));
    }

    static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
        return URISupport.sanitizeUri(msg);
    }
}
