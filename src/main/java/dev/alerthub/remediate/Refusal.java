package dev.alerthub.remediate;

/** A planned action that must not (or cannot) run, with the audit outcome and the reason in words. */
public class Refusal extends RuntimeException {
    private final String outcome;

    public Refusal(String outcome, String detail) {
        super(detail, null, false, false);
        this.outcome = outcome;
    }

    public String outcome() {
        return outcome;
    }
}
