package dev.alerthub.admin;

import dev.alerthub.alert.Json;
import dev.alerthub.intake.HttpProblem;
import dev.alerthub.notify.SendFailures;
import dev.alerthub.store.AlertStore;
import dev.alerthub.store.ConflictException;
import dev.alerthub.store.InvalidRequestException;
import dev.alerthub.store.NotFoundException;
import dev.alerthub.store.StoreRefusedException;
import dev.alerthub.store.StoreUnavailableException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every answer of the business HTTP port goes through here: JSON, a status code, and none of the
 * request's headers echoed back (an Authorization header must never come back out).
 */
public class HttpResponses {
    private static final Logger LOG = LoggerFactory.getLogger(HttpResponses.class);

    public static void json(Exchange exchange, int status, Object body) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.write(body));
    }

    /** 200 with the body as JSON. */
    public void ok(Exchange exchange) {
        json(exchange, 200, exchange.getMessage().getBody());
    }

    /** The webhook's answer once its alerts are committed. */
    public void accepted(Exchange exchange) {
        AlertStore.Accepted accepted = exchange.getMessage().getBody(AlertStore.Accepted.class);
        json(exchange, 200, Map.of("accepted", accepted.accepted()));
    }

    /**
     * The answer to a refused request: its status and a message naming the problem. The domain's
     * refusals (the store's exceptions) get their status here, the one place that knows HTTP.
     */
    public void problem(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int refused = refusalStatus(t);
        if (refused > 0) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", refused);
            body.put("error", reason(refused));
            body.put("message", t.getMessage());
            json(exchange, refused, body);
            if (refused == 401) {
                exchange.getMessage().setHeader("WWW-Authenticate", "Bearer realm=\"alerthub\"");
            }
        } else if (t instanceof HttpOperationFailedException || t instanceof java.io.IOException
                || t instanceof jakarta.mail.MessagingException) {
            json(exchange, 502, Map.of("status", 502, "error", reason(502),
                    "message", "the sink refused or could not be reached: " + SendFailures.describe(t)));
        } else if (t instanceof StoreRefusedException) {
            // the same request can never be stored: a 5xx would make Alertmanager repeat it forever
            LOG.warn("Answering 400: {}", t.getMessage());
            json(exchange, 400, Map.of("status", 400, "error", reason(400),
                    "message", "the state store cannot keep this request's alerts; nothing was stored"));
        } else if (t instanceof org.apache.camel.component.direct.DirectConsumerNotAvailableException
                || t instanceof java.util.concurrent.RejectedExecutionException) {
            // a route this request needs is being replaced by a reload, or the hub is stopping: transient
            LOG.warn("Answering 503: {}", t.getMessage());
            json(exchange, 503, Map.of("status", 503, "error", reason(503),
                    "message", "alerthub is reloading or stopping; retry later (safe: an alert is never stored twice)"));
            exchange.getMessage().setHeader("Retry-After", "5");
        } else if (t instanceof StoreUnavailableException) {
            LOG.warn("Answering 503: {}", t.getMessage());
            json(exchange, 503, Map.of("status", 503, "error", reason(503),
                    "message", "state store unavailable; retry later (safe: an alert is never stored twice)"));
            exchange.getMessage().setHeader("Retry-After", "5");
        } else {
            LOG.error("Answering 500 to {} {}", exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                    exchange.getMessage().getHeader(Exchange.HTTP_PATH), t);
            json(exchange, 500, Map.of("status", 500, "error", reason(500),
                    "message", "internal error; see the hub's log"));
        }
    }

    /** The 4xx for a refusal (bad input, unknown id, state conflict), or 0 when it is not one. */
    static int refusalStatus(Throwable t) {
        if (t instanceof HttpProblem p) {
            return p.status();
        } else if (t instanceof InvalidRequestException) {
            return 400;
        } else if (t instanceof NotFoundException) {
            return 404;
        } else if (t instanceof ConflictException) {
            return 409;
        }
        return 0;
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}
