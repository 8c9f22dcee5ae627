package dev.alerthub.alert;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The one shape every source produces and every sink consumes.
 *
 * @param fingerprint  stable identity of the label set (Alertmanager's, or {@link Fingerprints#of})
 * @param source       who produced it: {@code alertmanager}, {@code probe:<id>}, {@code hub}
 * @param generatorURL link back to the expression that fired, may be null
 * @param endsAt       null while firing
 * @param groupKey     the Alertmanager group it arrived in ({@code groupKey} of the webhook), null for none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alert(
        String fingerprint,
        AlertStatus status,
        Severity severity,
        String alertname,
        Map<String, String> labels,
        Map<String, String> annotations,
        Instant startsAt,
        Instant endsAt,
        String generatorURL,
        String source,
        String groupKey) {

    public Alert {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startsAt, "startsAt");
        labels = Collections.unmodifiableMap(new TreeMap<>(labels == null ? Map.of() : labels));
        annotations = Collections.unmodifiableMap(new TreeMap<>(annotations == null ? Map.of() : annotations));
        severity = severity != null ? severity : Severity.of(labels.get(Severity.LABEL));
        alertname = alertname != null ? alertname : labels.getOrDefault("alertname", "");
        source = source != null ? source : "unknown";
        groupKey = groupKey == null || groupKey.isBlank() ? null : groupKey;
    }

    /** An alert outside any group. */
    public Alert(String fingerprint, AlertStatus status, Severity severity, String alertname, Map<String, String> labels,
                 Map<String, String> annotations, Instant startsAt, Instant endsAt, String generatorURL, String source) {
        this(fingerprint, status, severity, alertname, labels, annotations, startsAt, endsAt, generatorURL, source, null);
    }

    /** Builds an alert from labels alone: severity, alertname and fingerprint follow from them. */
    public static Alert of(AlertStatus status, Map<String, String> labels, Map<String, String> annotations,
                           Instant startsAt, Instant endsAt, String generatorURL, String source) {
        return new Alert(Fingerprints.of(labels), status, null, null, labels, annotations,
                startsAt, endsAt, generatorURL, source);
    }

    public String label(String name) {
        return labels.get(name);
    }

    public String annotation(String name) {
        return annotations.get(name);
    }

    @JsonIgnore
    public boolean isFiring() {
        return status == AlertStatus.FIRING;
    }

    /** Why the severity is not what the label says, or null when the label was understood. */
    @JsonIgnore
    public String severityNote() {
        return Severity.noteFor(labels);
    }

    /** {@code namespace/deployment} when both labels are present, else whichever is, else "". */
    @JsonIgnore
    public String target() {
        String ns = labels.get("namespace");
        String name = labels.get("deployment");
        if (ns != null && name != null) {
            return ns + "/" + name;
        }
        return ns != null ? ns : name != null ? name : "";
    }

    /** The annotation a responder reads first, falling back to the alert name. */
    @JsonIgnore
    public String summary() {
        String s = annotations.get("summary");
        if (s == null || s.isBlank()) {
            s = annotations.get("description");
        }
        return s == null || s.isBlank() ? alertname : s;
    }

    public Alert withStatus(AlertStatus newStatus, Instant newEndsAt) {
        return new Alert(fingerprint, newStatus, severity, alertname, labels, annotations, startsAt, newEndsAt,
                generatorURL, source, groupKey);
    }

    public Alert withGroupKey(String key) {
        return new Alert(fingerprint, status, severity, alertname, labels, annotations, startsAt, endsAt,
                generatorURL, source, key);
    }

    /**
     * The group this alert is notified with (docs/sinks.md#grouping): its Alertmanager group, or for a
     * probe's alert the probe ({@code probe:<id>}); null when it belongs to none (notified alone).
     */
    @JsonIgnore
    public String group() {
        if (groupKey != null) {
            return groupKey;
        }
        return source.startsWith("probe:") ? source : null;
    }

    /** A short stable id of {@link #group()} (16 hex digits), or null. */
    @JsonIgnore
    public String groupHash() {
        String g = group();
        return g == null ? null : Fingerprints.hash(g);
    }
}
