package dev.alerthub.admin;

import dev.alerthub.alert.AlertStatus;
import dev.alerthub.intake.HttpProblem;
import dev.alerthub.store.AlertStore;
import org.apache.camel.Exchange;

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
