package dev.alerthub.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Prometheus writes them in rules: {@code 15s}, {@code 2m}, {@code 1h30m}, {@code 500ms},
 * {@code 0}. A bare number other than 0 is refused: "for: 2" meaning two milliseconds is never intended.
 * The one duration parser and formatter of the hub: probe parameters, properties ({@link Props}) and
 * messages all use it. Camel's TimeUtils is not used: it reads {@code 1w} as 0 without a word, and
 * prints ten minutes as {@code 10m0s}.
 */
public final class Durations {
    private static final Pattern WHOLE = Pattern.compile("(\\d+(ms|s|m|h|d|w))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

    private Durations() {
    }

    public static Duration parse(String text) {
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (!WHOLE.matcher(s).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (like 30s, 2m, 1h30m)");
        }
        Duration d = Duration.ZERO;
        Matcher m = PART.matcher(s);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            });
        }
        return d;
    }

    /** The shortest Prometheus-style spelling: 90s -> 1m30s. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long ms = d.toMillis();
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (ms >= units[i]) {
                sb.append(ms / units[i]).append(names[i]);
                ms %= units[i];
            }
        }
        return sb.toString();
    }
}
