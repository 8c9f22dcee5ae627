package dev.alerthub.admin;

import dev.alerthub.intake.HttpProblem;
import dev.alerthub.store.NotificationHistory;
import org.apache.camel.Exchange;

import java.util.List;
import java.util.Map;

/** GET /api/notifications?fingerprint=&sink=&limit=: delivery attempts, newest first (docs/lifecycle.md). */
public class NotificationsApi {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 5000;
    private final NotificationHistory history;

    public NotificationsApi(NotificationHistory history) {
        this.history = history;
    }

    public List<Map<String, Object>> list(Exchange exchange) {
        String limit = text(exchange, "limit");
        int n = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_LIMIT) {
                throw HttpProblem.badRequest("limit: '" + limit + "' is not a whole number from 1 to " + MAX_LIMIT);
            }
        }
        return history.list(text(exchange, "fingerprint"), text(exchange, "sink"), n);
    }

    private static String text(Exchange exchange, String name) {
        String v = exchange.getMessage().getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v.strip();
    }
}
