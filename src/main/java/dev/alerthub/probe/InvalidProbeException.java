package dev.alerthub.probe;

/** A probe parameter that is missing, unknown or has a value the probe cannot use; names the parameter. */
public class InvalidProbeException extends IllegalArgumentException {
    private final String parameter;

    public InvalidProbeException(String parameter, String message) {
        super(parameter == null ? message : parameter + ": " + message);
        this.parameter = parameter;
    }

    /** The parameter at fault, or null when the probe as a whole is (e.g. a duplicate id). */
    public String parameter() {
        return parameter;
    }
}
