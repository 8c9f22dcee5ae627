package dev.alerthub.intake;

import java.util.function.BiFunction;

/**
 * How much one webhook may carry, field by field ({@code alerthub.webhook.limits.*}). Everything the
 * store could refuse is checked against these before the alerts join a group commit, and the store's
 * columns are sized for the maxima (V32 migration): what intake accepts, the store keeps. The defaults
 * are far above what real Alertmanager payloads carry (docs/configuration.md#intake-limits).
 *
 * @param alertsPerRequest      alerts in one webhook
 * @param labelsPerAlert        labels of one alert
 * @param labelNameLength       characters of a label or annotation name
 * @param labelValueLength      characters of a label value (alertname is one: the store's column fits it)
 * @param annotationsPerAlert   annotations of one alert
 * @param annotationValueLength characters of an annotation value, and of generatorURL
 */
public record IntakeLimits(int alertsPerRequest, int labelsPerAlert, int labelNameLength, int labelValueLength,
                           int annotationsPerAlert, int annotationValueLength) {
    /** The store's alerts.alertname column (V32): no label value may be longer. */
    public static final int STORE_LABEL_VALUE_LENGTH = 2048;
    public static final IntakeLimits DEFAULTS =
            new IntakeLimits(10_000, 64, 256, STORE_LABEL_VALUE_LENGTH, 64, 16_384);

    public IntakeLimits {
        positive("alerts-per-request", alertsPerRequest);
        positive("labels-per-alert", labelsPerAlert);
        positive("label-name-length", labelNameLength);
        positive("label-value-length", labelValueLength);
        positive("annotations-per-alert", annotationsPerAlert);
        positive("annotation-value-length", annotationValueLength);
        if (labelValueLength > STORE_LABEL_VALUE_LENGTH) {
            throw new IllegalArgumentException("alerthub.webhook.limits.label-value-length: " + labelValueLength
                    + " is more than the store keeps (" + STORE_LABEL_VALUE_LENGTH + ")");
        }
    }

    /** Reads {@code alerthub.webhook.limits.<name>} through {@code setting(key, default)}. */
    public static IntakeLimits from(BiFunction<String, Integer, Integer> setting) {
        String p = "alerthub.webhook.limits.";
        return new IntakeLimits(setting.apply(p + "alerts-per-request", DEFAULTS.alertsPerRequest),
                setting.apply(p + "labels-per-alert", DEFAULTS.labelsPerAlert),
                setting.apply(p + "label-name-length", DEFAULTS.labelNameLength),
                setting.apply(p + "label-value-length", DEFAULTS.labelValueLength),
                setting.apply(p + "annotations-per-alert", DEFAULTS.annotationsPerAlert),
                setting.apply(p + "annotation-value-length", DEFAULTS.annotationValueLength));
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("alerthub.webhook.limits." + name + ": must be at least 1, got "
                    + value);
        }
    }
}
