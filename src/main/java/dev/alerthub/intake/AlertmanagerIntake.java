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
import java.util.regex.Pattern;

/** Parses and validates an Alertmanager webhook into canonical alerts; every refusal names the field. */
public class AlertmanagerIntake {
    public static final String SOURCE = "alertmanager";
    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerIntake.class);
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{1,32}");
    /** Alertmanager writes Go's zero time for "not set". */
    private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    private final ObjectReader reader = Json.MAPPER.readerFor(AlertmanagerPayload.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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
        List<Alert> alerts = new ArrayList<>(p.alerts().size());
        for (int i = 0; i < p.alerts().size(); i++) {
            alerts.add(toAlert("alerts[" + i + "]", p.alerts().get(i)));
        }
        int truncated = p.truncatedAlerts() == null ? 0 : p.truncatedAlerts();
        if (truncated > 0) {
            LOG.warn("Alertmanager receiver '{}' truncated {} alert(s) of group {}; set max_alerts: 0 on the "
                    + "webhook receiver so the hub sees every alert", p.receiver(), truncated, p.groupKey());
        }
        return new Batch(List.copyOf(alerts), truncated, p.receiver());
    }

    private static Alert toAlert(String at, AlertmanagerPayload.Entry e) {
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
        labels.forEach((name, value) -> {
            if (!LABEL_NAME.matcher(name).matches()) {
                throw HttpProblem.badRequest(at + ".labels: '" + name + "' is not a valid label name");
            }
            if (value == null) {
                throw HttpProblem.badRequest(at + ".labels." + name + ": is null; expected a string");
            }
        });
        if (e.annotations() != null) {
            e.annotations().forEach((name, value) -> {
                if (value == null) {
                    throw HttpProblem.badRequest(at + ".annotations." + name + ": is null; expected a string");
                }
            });
        }
        Instant startsAt = time(at + ".startsAt", e.startsAt());
        if (startsAt == null) {
            throw HttpProblem.badRequest(at + ".startsAt: missing; expected an RFC 3339 time");
        }
        Instant endsAt = status == AlertStatus.FIRING ? null : time(at + ".endsAt", e.endsAt());
        String fingerprint = e.fingerprint() != null && FINGERPRINT.matcher(e.fingerprint()).matches()
                ? e.fingerprint() : Fingerprints.of(labels);
        return new Alert(fingerprint, status, null, null, labels, e.annotations(), startsAt, endsAt,
                e.generatorURL(), SOURCE);
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
