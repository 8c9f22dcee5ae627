package dev.alerthub.alert;

/**
 * The named recurring time windows a silence may follow ({@code timeInterval} on a silence): the
 * model asks, the lifecycle's time intervals answer on the hub's clock.
 */
public interface Windows {
    /** None defined: every name is unknown. */
    Windows NONE = new Windows() {
        @Override
        public boolean isDefined(String name) {
            return false;
        }

        @Override
        public boolean isOpen(String name) {
            return false;
        }

        @Override
        public String unknown(String name) {
            return "time interval '" + name + "' is not defined (no time intervals are loaded)";
        }
    };

    boolean isDefined(String name);

    /** Whether the named window is open now; false for a name that is not defined. */
    boolean isOpen(String name);

    /** Why {@code name} cannot be used, naming what is defined. */
    String unknown(String name);
}
