package dev.alerthub.intake;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.alert.Fingerprints;
import dev.alerthub.alert.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Parses and validates an Alertmanager webhook into canonical alerts; every refusal names the field. */
public class AlertmanagerIntake {
    public static final String SOURCE = "alertmanager";
    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerIntake.class);
    /** Alertmanager writes Go's zero time for "not set". */
    private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    private final ObjectReader reader = Json.MAPPER.readerFor(AlertmanagerPayload.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final IntakeLimits limits;

    public AlertmanagerIntake() {
        this(IntakeLimits.DEFAULTS);
    }

    public AlertmanagerIntake(IntakeLimits limits) {
        this.limits = limits;
    }

    /** What one webhook carried. */
    public record Batch(List<Alert> alerts, int truncatedAlerts, String receiver) {
    }

    public Batch parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw HttpProblem.badRequest("body is empty; expected an Alertmanager webhook (version 4) JSON object");
        }
        AlertmanagerPayload payload;
        try {
            payload = reader.readValue(body);
        } catch (JsonParseException e) {
            throw HttpProblem.badRequest("malformed JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (JsonMappingException e) {
            throw HttpProblem.badRequest(path(e) + ": " + describe(e));
        } catch (JsonProcessingException e) {
            throw HttpProblem.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw HttpProblem.badRequest("unreadable body: " + e.getMessage());
        }
        if (payload == null) {
            throw HttpProblem.badRequest("body is JSON null; expected an Alertmanager webhook object");
        }
        return validate(payload);
    }

    Batch validate(AlertmanagerPayload p) {
        if (p.version() == null) {
            throw HttpProblem.badRequest("version: missing; expected \"4\" (Alertmanager webhook format)");
        }
        if (!"4".equals(p.version())) {
            throw HttpProblem.badRequest("version: \"" + p.version() + "\" is not supported; expected \"4\"");
        }
        if (p.alerts() == null) {
            throw HttpProblem.badRequest("alerts: missing; expected an array of alerts");
        }
        if (p.alerts().size() > limits.alertsPerRequest()) {
            throw HttpProblem.badRequest("alerts: " + p.alerts().size() + " alerts, at most "
                    + limits.alertsPerRequest() + " (alerthub.webhook.limits.alerts-per-request)");
        }
        if (p.groupKey() != null) {
            // the group is stored (docs/sinks.md#grouping): what the store would refuse is a 400 here
            checkValue("groupKey", p.groupKey(), limits.annotationValueLength(), "annotation-value-length");
        }
        List<Alert> alerts = new ArrayList<>(p.alerts().size());
        for (int i = 0; i < p.alerts().size(); i++) {
            alerts.add(toAlert("alerts[" + i + "]", p.alerts().get(i)).withGroupKey(p.groupKey()));
        }
        int truncated = p.truncatedAlerts() == null ? 0 : p.truncatedAlerts();
        if (truncated > 0) {
            LOG.warn("Alertmanager receiver '{}' truncated {} alert(s) of group {}; set max_alerts: 0 on the "
                    + "webhook receiver so the hub sees every alert", p.receiver(), truncated, p.groupKey());
        }
        return new Batch(List.copyOf(alerts), truncated, p.receiver());
    }

    private Alert toAlert(String at, AlertmanagerPayload.Entry e) {
        if (e == null) {
            throw HttpProblem.badRequest(at + ": is null; expected an alert object");
        }
        AlertStatus status;
        try {
            status = AlertStatus.fromWire(e.status());
        } catch (IllegalArgumentException ex) {
            throw HttpProblem.badRequest(at + ".status: " + ex.getMessage());
        }
        Map<String, String> labels = e.labels();
        if (labels == null || labels.isEmpty()) {
            throw HttpProblem.badRequest(at + ".labels: missing or empty; an alert needs at least one label");
        }
        checkPairs(at + ".labels", labels, limits.labelsPerAlert(), limits.labelValueLength(), "labels-per-alert",
                "label-value-length");
        if (e.annotations() != null) {
            checkPairs(at + ".annotations", e.annotations(), limits.annotationsPerAlert(),
                    limits.annotationValueLength(), "annotations-per-alert", "annotation-value-length");
        }
        if (e.generatorURL() != null) {
            checkValue(at + ".generatorURL", e.generatorURL(), limits.annotationValueLength(),
                    "annotation-value-length");
        }
        Instant startsAt = time(at + ".startsAt", e.startsAt());
        if (startsAt == null) {
            throw HttpProblem.badRequest(at + ".startsAt: missing; expected an RFC 3339 time");
        }
        Instant endsAt = status == AlertStatus.FIRING ? null : time(at + ".endsAt", e.endsAt());
        // the payload's own fingerprint is ignored: trusting it would let a caller resolve (or page as)
        // someone else's alert; computed from the labels, it is exactly what Alertmanager computes
        return new Alert(Fingerprints.of(labels), status, null, null, labels, e.annotations(), startsAt, endsAt,
                e.generatorURL(), SOURCE);
    }

    /** Labels or annotations: how many, and each name and value (the message never echoes a long name). */
    private void checkPairs(String at, Map<String, String> pairs, int maxPairs, int maxValue, String countSetting,
                            String valueSetting) {
        if (pairs.size() > maxPairs) {
            throw HttpProblem.badRequest(at + ": " + pairs.size() + " entries, at most " + maxPairs
                    + " (alerthub.webhook.limits." + countSetting + ")");
        }
        pairs.forEach((name, value) -> {
            if (name.isEmpty()) {
                throw HttpProblem.badRequest(at + ": a name is empty");
            }
            if (name.length() > limits.labelNameLength()) {
                throw HttpProblem.badRequest(at + ": name of " + name.length() + " characters, at most "
                        + limits.labelNameLength() + " (alerthub.webhook.limits.label-name-length)");
            }
            String bad = Text.problem(name, true);
            if (bad != null) {
                throw HttpProblem.badRequest(at + ": name " + Text.quote(name) + " " + bad);
            }
            if (value == null) {
                throw HttpProblem.badRequest(at + "." + name + ": is null; expected a string");
            }
            checkValue(at + "." + name, value, maxValue, valueSetting);
        });
    }

    private static void checkValue(String field, String value, int max, String setting) {
        if (value.length() > max) {
            throw HttpProblem.badRequest(field + ": " + value.length() + " characters, at most " + max
                    + " (alerthub.webhook.limits." + setting + ")");
        }
        String bad = Text.problem(value, false);
        if (bad != null) {
            throw HttpProblem.badRequest(field + ": " + bad);
        }
    }

    private static Instant time(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            Instant t = OffsetDateTime.parse(value).toInstant();
            return t.equals(GO_ZERO_TIME) ? null : t;
        } catch (DateTimeParseException ex) {
            throw HttpProblem.badRequest(field + ": '" + value + "' is not an RFC 3339 time");
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            } else if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            }
        }
        return sb.isEmpty() ? "body" : sb.toString();
    }

    private static String describe(JsonMappingException e) {
        String msg = e.getOriginalMessage();
        String type = msg.startsWith("Cannot deserialize value of type `") ? msg.substring(34) : "";
        if (type.startsWith("java.lang.String")) {
            return "expected a string";
        }
        if (type.startsWith("java.util.List") || type.startsWith("java.util.ArrayList")) {
            return "expected an array";
        }
        if (type.startsWith("java.util.Map") || type.startsWith("java.util.LinkedHashMap")
                || type.startsWith("dev.alerthub")) {
            return "expected an object";
        }
        if (type.startsWith("java.lang.Integer")) {
            return "expected a number";
        }
        int cut = msg.indexOf('\n');
        return cut > 0 ? msg.substring(0, cut) : msg;
    }

}
