package dev.alerthub.alert;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Map;

/**
 * The three severities the router knows. Anything else becomes {@link #WARNING}: an alert with a
 * misspelt severity must still reach a human, and the message says why it was treated so.
 */
public enum Severity {
    CRITICAL, WARNING, INFO;

    public static final String LABEL = "severity";

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Severity fromWire(String s) {
        return of(s);
    }

    /** Normalises a label value: critical|warning|info (any case); anything else is warning. */
    public static Severity of(String label) {
        if (label == null) {
            return WARNING;
        }
        return switch (label.trim().toLowerCase(Locale.ROOT)) {
            case "critical" -> CRITICAL;
            case "info" -> INFO;
            default -> WARNING;
        };
    }

    /** A sentence for the notification when the label was missing or not understood, else null. */
    public static String noteFor(Map<String, String> labels) {
        String raw = labels.get(LABEL);
        if (raw == null || raw.isBlank()) {
            return "no severity label; treated as warning";
        }
        String lower = raw.trim().toLowerCase(Locale.ROOT);
        if (lower.equals("critical") || lower.equals("warning") || lower.equals("info")) {
            return null;
        }
        return "severity '" + raw + "' is not critical, warning or info; treated as warning";
    }
}
