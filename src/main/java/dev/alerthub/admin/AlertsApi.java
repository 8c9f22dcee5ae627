package dev.alerthub.admin;

import dev.alerthub.alert.AlertStatus;
import dev.alerthub.intake.HttpProblem;
import dev.alerthub.store.AlertStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import dev.alerthub.lifecycle.Acknowledge;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** GET /api/alerts[?status=firing|resolved][&limit=500][&offset=0]: one page, newest first. */
public class AlertsApi {
    public static final int DEFAULT_LIMIT = 500;
    public static final int MAX_LIMIT = 5000;
    private final AlertStore store;

    public AlertsApi(AlertStore store) {
        this.store = store;
    }

    public void list(Exchange exchange) {
        String status = exchange.getMessage().getHeader("status", String.class);
        AlertStatus filter = null;
        if (status != null && !status.isBlank()) {
            try {
                filter = AlertStatus.fromWire(status);
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest("status: '" + status + "' is not firing or resolved");
            }
        }
        long limit = number(exchange, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        long offset = number(exchange, "offset", 0, 0, Long.MAX_VALUE);
        HttpResponses.json(exchange, 200, store.listForApi(filter, (int) limit, offset));
    }

    /** GET /api/alerts/{fingerprint}: the alert, with a link to its notification history. */
    public Map<String, Object> one(Exchange exchange) {
        String fingerprint = exchange.getMessage().getHeader("fingerprint", String.class);
        Map<String, Object> row = new LinkedHashMap<>(store.findForApi(fingerprint));
        row.put("notifications", "/api/notifications?fingerprint=" + URLEncoder.encode(fingerprint, StandardCharsets.UTF_8));
        return row;
    }

    /**
     * POST /api/alerts/{fingerprint}/ack with {@code {"by": "...", "comment": "..."}}: sets the
     * headers direct:acknowledge takes (routes/lifecycle/acknowledge.camel.yaml).
     */
    public void ackRequest(Exchange exchange) {
        Message msg = exchange.getMessage();
        String body = msg.getBody(String.class);
        JsonNode n;
        try {
            n = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (Exception e) {
            throw HttpProblem.badRequest("malformed JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (n == null || !n.isObject()) {
            throw HttpProblem.badRequest("body: expected a JSON object {\"by\": \"...\", \"comment\": \"...\"}");
        }
        JsonNode by = n.get("by");
        if (by == null || !by.isTextual() || by.asText().isBlank()) {
            throw HttpProblem.badRequest("by: missing (who acknowledges, a string)");
        }
        JsonNode comment = n.get("comment");
        if (comment != null && !comment.isNull() && !comment.isTextual()) {
            throw HttpProblem.badRequest("comment: expected a string");
        }
        String target = msg.getHeader("fingerprint", String.class);
        msg.removeHeaders("*");
        msg.setHeader(Acknowledge.TARGET, target);
        msg.setHeader(Acknowledge.BY, by.asText());
        if (comment != null && comment.isTextual()) {
            msg.setHeader(Acknowledge.COMMENT, comment.asText());
        }
        msg.setBody(null);
    }

    private static long number(Exchange exchange, String name, long fallback, long min, long max) {
        String v = exchange.getMessage().getHeader(name, String.class);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw HttpProblem.badRequest(name + ": '" + v + "' is not a whole number from " + min
                + (max == Long.MAX_VALUE ? " up" : " to " + max));
    }
}
