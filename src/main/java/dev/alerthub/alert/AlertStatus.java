package dev.alerthub.alert;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Whether an alert is active. Alertmanager's two words, lower case on the wire. */
public enum AlertStatus {
    FIRING, RESOLVED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static AlertStatus fromWire(String s) {
        if (s == null) {
            throw new IllegalArgumentException("status is missing (expected firing or resolved)");
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "firing" -> FIRING;
            case "resolved" -> RESOLVED;
            default -> throw new IllegalArgumentException("status '" + s + "' is not firing or resolved");
        };
    }
}
