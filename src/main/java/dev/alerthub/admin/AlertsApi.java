package dev.alerthub.admin;

import dev.alerthub.alert.AlertStatus;
import dev.alerthub.intake.HttpProblem;
import dev.alerthub.store.AlertStore;
import org.apache.camel.Exchange;

/** GET /api/alerts[?status=firing|resolved]. */
public class AlertsApi {
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
        HttpResponses.json(exchange, 200, store.listForApi(filter));
    }
}
