package dev.alerthub.remediate;

/**
 * The words the audit uses ({@code GET /api/actions}, Slack, metrics): {@code done}, {@code dry-run},
 * {@code skipped:<reason>}, {@code failed:<reason>}. Reasons are a fixed vocabulary so that they can
 * be counted and alerted on; the row's detail says the rest in words.
 */
public final class Outcome {
    public static final String DONE = "done";
    public static final String DRY_RUN = "dry-run";
    /** Internal: decided to act, the change is being applied. Never the final word. */
    public static final String ACTING = "acting";

    private Outcome() {
    }

    public static String skipped(String reason) {
        return "skipped:" + reason;
    }

    public static String failed(String reason) {
        return "failed:" + reason;
    }

    /** done, dry-run, skipped or failed: the metric's outcome tag. */
    public static String kind(String outcome) {
        int colon = outcome.indexOf(':');
        return colon < 0 ? outcome : outcome.substring(0, colon);
    }

    /** The reason after the colon, or "" for done and dry-run. */
    public static String reason(String outcome) {
        int colon = outcome.indexOf(':');
        return colon < 0 ? "" : outcome.substring(colon + 1);
    }
}
