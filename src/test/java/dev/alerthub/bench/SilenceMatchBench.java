package dev.alerthub.bench;

import dev.alerthub.alert.Matcher;
import dev.alerthub.alert.Matchers;

import dev.alerthub.support.AlertmanagerProcess;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How long one alert takes to be checked against 1,000 active silences (the check every alert event
 * passes before the router: SilenceStore.check without its store query), after a JIT warm-up.
 * The alert matches none of them, so every silence is looked at: the worst case. Compared with what
 * the hub did before: java.util.regex compiled per alert and matcher. Run with bench/silences.sh.
 * <p>
 * Arguments (all optional): silences (1000), measured rounds (20000).
 */
public final class SilenceMatchBench {
    public static void main(String[] args) throws Exception {
        int silences = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        List<Matchers> compiled = new ArrayList<>();
        List<List<String[]>> raw = new ArrayList<>();
        for (int i = 0; i < silences; i++) {
            List<String[]> spec = silence(i);
            raw.add(spec);
            compiled.add(new Matchers(spec.stream().map(s -> Matcher.of(s[0], Matcher.Type.valueOf(s[1]), s[2])).toList()));
        }
        Map<String, String> alert = Map.of("alertname", "HighLatencyP95", "namespace", "shop", "service", "checkout",
                "severity", "warning", "instance", "10.0.3.17:8080", "path", "/api/v1/orders/" + "a".repeat(40));

        System.out.println("| what | silences | per alert p50 | p99 | max |");
        System.out.println("| --- | --- | --- | --- | --- |");
        print("RE2 matchers compiled once (now)", silences, measure(rounds, () -> anyMatch(compiled, alert)));
        print("java.util.regex compiled per alert (before)", silences,
                measure(Math.max(200, rounds / 50), () -> anyMatchBefore(raw, alert)));
        if (Files.isExecutable(AlertmanagerProcess.BINARY)) {
            AlertmanagerPeer.run(raw, alert);
        } else {
            System.out.println("(no " + AlertmanagerProcess.BINARY + ": Alertmanager not measured)");
        }
    }

    /** A mix like real silences: alert name and namespace, some regexes, one hostile pattern. */
    static List<String[]> silence(int i) {
        List<String[]> m = new ArrayList<>();
        m.add(new String[] {"alertname", i % 4 == 0 ? "REGEX" : "EQUAL", i % 4 == 0 ? "Alert" + i + ".*" : "Alert" + i});
        m.add(new String[] {"namespace", i % 3 == 0 ? "REGEX" : "EQUAL", i % 3 == 0 ? "team-" + i + "|shop-" + i : "ns-" + i});
        if (i % 10 == 0) {
            m.add(new String[] {"instance", "NOT_REGEX", "10\\.0\\." + (i % 255) + "\\..*"});
        }
        if (i == 0) {
            m.add(0, new String[] {"path", "REGEX", "(.*a){16}$"});
        }
        return m;
    }

    static boolean anyMatch(List<Matchers> silences, Map<String, String> labels) {
        for (Matchers m : silences) {
            if (m.matches(labels)) {
                return true;
            }
        }
        return false;
    }

    /** The matching the hub had before: Pattern.compile per alert and matcher, in the given order. */
    static boolean anyMatchBefore(List<List<String[]>> silences, Map<String, String> labels) {
        for (List<String[]> s : silences) {
            boolean all = true;
            for (String[] m : s) {
                if (m[2].contains("{16}")) {
                    continue; // java.util.regex would not come back from this one for hours
                }
                String actual = labels.getOrDefault(m[0], "");
                boolean regex = m[1].endsWith("REGEX");
                boolean hit = regex ? Pattern.compile("^(?:" + m[2] + ")$").matcher(actual).matches() : actual.equals(m[2]);
                if (hit != !m[1].startsWith("NOT")) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    static long[] measure(int rounds, java.util.function.BooleanSupplier check) {
        for (int i = 0; i < rounds; i++) {
            if (check.getAsBoolean()) {
                throw new IllegalStateException("the bench alert must match no silence");
            }
        }
        long[] nanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            check.getAsBoolean();
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    static void print(String what, int silences, long[] sorted) {
        System.out.printf(Locale.ROOT, "| %s | %,d | %s | %s | %s |%n", what, silences,
                micros(sorted[sorted.length / 2]), micros(sorted[(int) (sorted.length * 0.99)]),
                micros(sorted[sorted.length - 1]));
    }

    static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.1f µs", nanos / 1000.0);
    }
}
