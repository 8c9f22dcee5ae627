package dev.alerthub.remediate;

import java.util.Locale;

/** What an alert's {@code action} label may ask for. */
public enum Action {
    ROLLBACK, RESTART, SCALE;

    public static final String LABEL = "action";

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action for a label value, or null when the value names none. */
    public static Action of(String label) {
        if (label == null) {
            return null;
        }
        return switch (label.trim().toLowerCase(Locale.ROOT)) {
            case "rollback" -> ROLLBACK;
            case "restart" -> RESTART;
            case "scale" -> SCALE;
            default -> null;
        };
    }
}
