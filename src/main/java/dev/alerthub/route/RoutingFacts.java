package dev.alerthub.route;

import dev.alerthub.alert.Alert;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Puts the facts a router decides on into plain headers, so a route file reads
 * {@code ${header.severity} == 'critical'} or {@code ${header.team} == 'payments'}.
 * Sinks clear every header before anything leaves the hub.
 */
public class RoutingFacts {
    static final String[] LABELS = {"alertname", "namespace", "deployment", "team", "action", "service"};

    public void apply(Exchange exchange) {
        Message m = exchange.getMessage();
        Alert alert = m.getBody(Alert.class);
        m.setHeader("severity", alert.severity().wire());
        m.setHeader("status", alert.status().wire());
        m.setHeader("fingerprint", alert.fingerprint());
        m.setHeader("source", alert.source());
        for (String label : LABELS) {
            String value = alert.label(label);
            if (value != null) {
                m.setHeader(label, value);
            } else {
                m.removeHeader(label);
            }
        }
    }
}
