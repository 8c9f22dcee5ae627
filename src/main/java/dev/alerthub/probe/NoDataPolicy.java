package dev.alerthub.probe;

import java.util.Locale;

/**
 * What a probe does when its query answers nothing (an empty result, or a NaN value for a series).
 * Never "treat it as 0": an empty result usually means a broken selector or a dead exporter, and
 * silently reading it as "healthy" or "zero errors" is how canary analyses pass on no traffic.
 */
public enum NoDataPolicy {
    /** No data is a false condition: active instances resolve (Prometheus' own behaviour). */
    OK,
    /** No data is a true condition: the probe alerts (after {@code for}) with the value "NaN". */
    ALERT,
    /** No data changes nothing: pending stays pending, firing stays firing, inactive stays inactive. */
    KEEP;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NoDataPolicy parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "ok" -> OK;
            case "alert" -> ALERT;
            case "keep" -> KEEP;
            default -> throw new IllegalArgumentException("'" + s + "' is not one of ok, alert, keep");
        };
    }
}
