package dev.alerthub.lifecycle;

import dev.alerthub.config.Suggestions;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads {@code time-intervals.yaml}: Alertmanager's {@code time_intervals} syntax, either as the
 * list itself or under a {@code time_intervals:} key (so a block copied from alertmanager.yml works).
 * Every problem is reported with its line, the way {@code alerthub validate} prints them:
 * <pre>
 * - name: business-hours
 *   time_intervals:
 *     - times: [{start_time: "09:00", end_time: "17:00"}]
 *       weekdays: ['monday:friday']
 *       location: Europe/Berlin
 * </pre>
 * The checks are Alertmanager's (start day before end day, {@code 24:00} only as an end, a negative
 * start day needs a negative end day, ...), plus unknown keys and names used twice.
 */
public final class TimeIntervalsFile {
    private static final Set<String> FIELDS = Set.of("times", "weekdays", "days_of_month", "months", "years",
            "location");
    private static final Pattern TIME = Pattern.compile("^(([01][0-9]|2[0-3]):[0-5][0-9])$|^24:00$");
    private static final List<String> WEEKDAYS = List.of("sunday", "monday", "tuesday", "wednesday", "thursday",
            "friday", "saturday");
    private static final List<String> MONTHS = List.of("january", "february", "march", "april", "may", "june",
            "july", "august", "september", "october", "november", "december");

    /** What the file defines (by name, in file order) and what is wrong with it. */
    public record Parsed(Map<String, List<TimeInterval>> intervals, List<FileProblem> problems) {
    }

    private final Path file;
    private final List<FileProblem> problems = new ArrayList<>();

    private TimeIntervalsFile(Path file) {
        this.file = file;
    }

    /** The problems of one file, none when it is valid or absent (no file means no intervals). */
    public static List<FileProblem> check(Path file) {
        return read(file).problems();
    }

    public static Parsed read(Path file) {
        TimeIntervalsFile reader = new TimeIntervalsFile(file);
        Map<String, List<TimeInterval>> intervals = reader.parse();
        return new Parsed(intervals, List.copyOf(reader.problems));
    }

    private Map<String, List<TimeInterval>> parse() {
        Map<String, List<TimeInterval>> out = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<Node> entries;
        try (Reader r = Files.newBufferedReader(file)) {
            entries = YamlList.entries(file, r, "time_intervals", "named time intervals",
                    "- name: ..., time_intervals: [...]", problems);
        } catch (IOException e) {
            problems.add(new FileProblem(file, 1, "cannot read: " + e.getMessage()));
            return out;
        }
        for (Node entry : entries) {
            named(entry, out);
        }
        return out;
    }

    private void named(Node entry, Map<String, List<TimeInterval>> out) {
        if (!(entry instanceof MappingNode m)) {
            problem(entry, "expected a named time interval (name: ..., time_intervals: [...])");
            return;
        }
        String name = null;
        List<TimeInterval> intervals = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode());
            switch (key == null ? "" : key) {
                case "name" -> name = scalar(t.getValueNode());
                case "time_intervals" -> intervals = intervals(t.getValueNode());
                default -> unknownKey(t.getKeyNode(), key, Set.of("name", "time_intervals"));
            }
        }
        if (name == null || name.isBlank()) {
            problem(entry, "a time interval needs a name");
        } else if (out.containsKey(name)) {
            problem(entry, "time interval '" + name + "' is defined twice");
        } else {
            out.put(name, List.copyOf(intervals));
        }
    }

    private List<TimeInterval> intervals(Node node) {
        List<TimeInterval> out = new ArrayList<>();
        if (isNull(node)) {
            return out;
        }
        if (!(node instanceof SequenceNode seq)) {
            problem(node, "time_intervals: expected a list");
            return out;
        }
        for (Node item : seq.getValue()) {
            if (!(item instanceof MappingNode m)) {
                problem(item, "expected a time interval (times, weekdays, days_of_month, months, years, location)");
                continue;
            }
            out.add(interval(m));
        }
        return out;
    }

    private TimeInterval interval(MappingNode m) {
        List<TimeInterval.Range> times = null;
        List<TimeInterval.Range> weekdays = null;
        List<TimeInterval.Range> days = null;
        List<TimeInterval.Range> months = null;
        List<TimeInterval.Range> years = null;
        ZoneId location = null;
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode());
            Node v = t.getValueNode();
            switch (key == null ? "" : key) {
                case "times" -> times = list(v, "times", this::timeRange);
                case "weekdays" -> weekdays = list(v, "weekdays", n -> range(n, TimeIntervalsFile::weekday, "day", 0, 6));
                case "days_of_month" -> days = list(v, "days_of_month", this::dayRange);
                case "months" -> months = list(v, "months", n -> range(n, TimeIntervalsFile::month, "month", 1, 12));
                case "years" -> years = list(v, "years", n -> range(n, TimeIntervalsFile::number, "year", 1, 9999));
                case "location" -> location = location(v);
                default -> unknownKey(t.getKeyNode(), key, FIELDS);
            }
        }
        return new TimeInterval(times, weekdays, days, months, years, location);
    }

    /** A list field; an item that does not parse is reported at its line and left out. */
    private List<TimeInterval.Range> list(Node node, String field, Function<Node, TimeInterval.Range> item) {
        List<TimeInterval.Range> out = new ArrayList<>();
        if (isNull(node)) {
            return null;
        }
        if (!(node instanceof SequenceNode seq)) {
            problem(node, field + ": expected a list, e.g. " + field + ": [" + example(field) + "]");
            return out;
        }
        for (Node n : seq.getValue()) {
            try {
                out.add(item.apply(n));
            } catch (IllegalArgumentException e) {
                problem(n, field + ": " + e.getMessage());
            }
        }
        return out;
    }

    private TimeInterval.Range timeRange(Node node) {
        if (!(node instanceof MappingNode m)) {
            throw new IllegalArgumentException("expected {start_time: \"HH:MM\", end_time: \"HH:MM\"}");
        }
        String start = null;
        String end = null;
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode());
            switch (key == null ? "" : key) {
                case "start_time" -> start = scalar(t.getValueNode());
                case "end_time" -> end = scalar(t.getValueNode());
                default -> unknownKey(t.getKeyNode(), key, Set.of("start_time", "end_time"));
            }
        }
        if (start == null || start.isEmpty() || end == null || end.isEmpty()) {
            throw new IllegalArgumentException("both start_time and end_time must be given");
        }
        int s = minutes(start);
        int e = minutes(end);
        if (s >= e) {
            throw new IllegalArgumentException("start_time " + start + " must be before end_time " + end
                    + " (the end is exclusive; to cross midnight use two ranges, e.g. 22:00-24:00 and 00:00-06:00)");
        }
        return new TimeInterval.Range(s, e);
    }

    private static int minutes(String hhmm) {
        if (!TIME.matcher(hhmm).matches()) {
            throw new IllegalArgumentException("'" + hhmm + "' is not a time of day HH:MM (00:00 to 24:00)");
        }
        return Integer.parseInt(hhmm.substring(0, 2)) * 60 + Integer.parseInt(hhmm.substring(3));
    }

    private TimeInterval.Range dayRange(Node node) {
        TimeInterval.Range r = range(node, TimeIntervalsFile::number, "day of the month", -31, 31);
        if (r.begin() == 0 || r.end() == 0) {
            throw new IllegalArgumentException("0 is not a valid day of the month: out of range");
        }
        if (r.begin() < 0 && r.end() > 0) {
            throw new IllegalArgumentException("end day must be negative if start day is negative");
        }
        // Alertmanager's check: never valid in a 28-day month
        int b = r.begin() < 0 ? 28 + r.begin() : r.begin();
        int e = r.end() < 0 ? 28 + r.end() : r.end();
        if (b > e) {
            throw new IllegalArgumentException("end day " + r.end() + " is always before start day " + r.begin());
        }
        return r;
    }

    /** "a" or "a:b", inclusive, each member parsed by {@code member} and within [min, max]. */
    private static TimeInterval.Range range(Node node, Function<String, Integer> member, String what, int min, int max) {
        String text = scalar(node);
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected a " + what + " or a range like a:b");
        }
        String in = text.trim().toLowerCase(Locale.ROOT);
        String[] parts = in.split(":", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("couldn't parse range " + text + ", invalid format");
        }
        int begin = member.apply(parts[0]);
        int end = parts.length == 2 ? member.apply(parts[1]) : begin;
        for (int v : new int[] {begin, end}) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(text + " is not a valid " + what + ": out of range");
            }
        }
        if (begin > end && !what.startsWith("day of")) {
            throw new IllegalArgumentException("'" + text + "': the start " + what + " is after the end " + what
                    + (what.equals("day") ? " (weeks run sunday to saturday: use two ranges)" : ""));
        }
        return new TimeInterval.Range(begin, end);
    }

    private static int weekday(String s) {
        int i = WEEKDAYS.indexOf(s);
        if (i < 0) {
            throw new IllegalArgumentException(s + " is not a valid weekday"
                    + Suggestions.closest(s, WEEKDAYS).map(d -> " (did you mean " + d + "?)").orElse(""));
        }
        return i;
    }

    private static int month(String s) {
        int i = MONTHS.indexOf(s);
        if (i >= 0) {
            return i + 1;
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s + " is not a valid month"
                    + Suggestions.closest(s, MONTHS).map(m -> " (did you mean " + m + "?)").orElse(""));
        }
    }

    private static int number(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a whole number");
        }
    }

    private ZoneId location(Node node) {
        String name = scalar(node);
        if (name == null || name.isBlank()) {
            problem(node, "location: expected a time zone name such as Europe/Berlin or UTC");
            return null;
        }
        if (name.equals("Local")) {
            return ZoneId.systemDefault();
        }
        if (name.equals("UTC") || ZoneId.getAvailableZoneIds().contains(name)) {
            try {
                return ZoneId.of(name);
            } catch (DateTimeException e) {
                // fall through to the problem below
            }
        }
        problem(node, "location: unknown time zone '" + name + "' (an IANA name such as Europe/Berlin, or UTC)"
                + Suggestions.closest(name, ZoneId.getAvailableZoneIds()).map(z -> "; did you mean " + z + "?")
                .orElse(""));
        return null;
    }

    private void unknownKey(Node keyNode, String key, Set<String> known) {
        problem(keyNode, "unknown key '" + key + "'" + Suggestions.closest(String.valueOf(key), known)
                .map(k -> " (did you mean " + k + "?)").orElse(" (known: " + String.join(", ", known.stream()
                        .sorted().toList()) + ")"));
    }

    private static String example(String field) {
        return switch (field) {
            case "times" -> "{start_time: \"09:00\", end_time: \"17:00\"}";
            case "weekdays" -> "'monday:friday'";
            case "days_of_month" -> "'1:5', '-1'";
            case "months" -> "'january:march'";
            default -> "'2026:2027'";
        };
    }

    private void problem(Node node, String message) {
        problems.add(YamlList.problem(file, node, message));
    }

    private static String scalar(Node n) {
        return YamlList.scalar(n);
    }

    private static boolean isNull(Node n) {
        return YamlList.isNull(n);
    }
}
