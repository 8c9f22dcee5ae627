package dev.alerthub.probe;

import dev.alerthub.config.Durations;
import dev.alerthub.config.Suggestions;
import dev.alerthub.alert.Severity;
import org.apache.camel.util.StringHelper;
import org.quartz.CronExpression;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One probe, parsed and validated from its route-template parameters (the YAML a user writes in
 * routes/probes/). Every value is checked here, once, so evaluation never meets a bad one.
 *
 * @param window SQL only: {@code :?since} in the SQL is bound to the evaluation time minus this
 */
public record ProbeSpec(
        String id,
        ProbeKind kind,
        Schedule schedule,
        String query,
        String sql,
        String datasource,
        Comparison op,
        double threshold,
        Duration forDuration,
        Severity severity,
        String alertname,
        Map<String, String> labels,
        Map<String, AnnotationTemplate> annotations,
        String action,
        NoDataPolicy noData,
        boolean enabled,
        String valueColumn,
        List<String> labelColumns,
        Duration window) {

    /** Parameters whose text is an annotation template, never a property placeholder. */
    public static final Set<String> TEMPLATED = Set.of("annotations");

    public static final Set<String> ACTIONS = Set.of("rollback", "restart", "scale");
    private static final Pattern ID = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern DATASOURCE = Pattern.compile("[a-zA-Z0-9_-]+");
    private static final Set<String> RESERVED_LABELS = Set.of("alertname", "severity", "action");
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    public ProbeSpec {
        labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        annotations = Collections.unmodifiableMap(new TreeMap<>(annotations));
        labelColumns = labelColumns == null ? null : List.copyOf(labelColumns);
    }

    /** Either a fixed interval or a Quartz cron expression. */
    public record Schedule(Duration every, String cron) {
        public String describe() {
            return every != null ? "every " + Durations.format(every) : "cron '" + cron + "'";
        }
    }

    /**
     * A parameter a probe route template declares (routes/probes/templates.camel.yaml): the templates
     * are the one schema of a probe, so its names, what is required and the defaults come from here.
     */
    public record Declared(String name, boolean required, String defaultValue) {
    }

    /** The source field of this probe's alerts. */
    public String source() {
        return "probe:" + id;
    }

    /** "> 0.05 for 2m" */
    public String condition() {
        return op.symbol() + " " + Values.plain(threshold) + (forDuration.isZero() ? "" : " for " + Durations.format(forDuration));
    }

    /**
     * Builds a probe from its parameters (placeholders already resolved), checked against the
     * parameters its route template declares: absent optional ones take the template's defaults.
     * Throws {@link InvalidProbeException} naming the parameter.
     */
    public static ProbeSpec parse(ProbeKind kind, Collection<Declared> declared, Map<String, String> given) {
        Map<String, String> p = new LinkedHashMap<>();
        declared.forEach(d -> {
            if (d.defaultValue() != null) {
                p.put(d.name(), d.defaultValue());
            }
        });
        given.forEach((k, v) -> {
            if (v != null) {
                p.put(k, v);
            }
        });
        List<String> known = declared.stream().map(Declared::name).toList();
        for (String name : given.keySet()) {
            if (!known.contains(name)) {
                throw new InvalidProbeException(name, "unknown parameter" + suggestion(name, known));
            }
        }
        String id = required(p, "id");
        if (!ID.matcher(id).matches() || id.length() > 63) {
            throw new InvalidProbeException("id", "'" + id + "' must be lower-case letters, digits and '-' "
                    + "(at most 63, starting and ending with a letter or digit)");
        }
        Schedule schedule = schedule(p);
        Comparison op = parse("op", required(p, "op"), Comparison::parse);
        double threshold = parse("threshold", required(p, "threshold"), ProbeSpec::number);
        Duration forDuration = parse("for", required(p, "for"), Durations::parse);
        Severity severity = severity(p);
        String alertname = optional(p, "alertname");
        if (alertname == null) {
            alertname = StringHelper.capitalize(StringHelper.dashToCamelCase(id));
        }
        Map<String, String> labels = labels(p);
        Map<String, AnnotationTemplate> annotations = annotations(p);
        String action = optional(p, "action");
        if (action != null && !ACTIONS.contains(action)) {
            throw new InvalidProbeException("action", "'" + action + "' is not rollback, restart or scale");
        }
        NoDataPolicy noData = parse("noData", required(p, "noData"), NoDataPolicy::parse);
        boolean enabled = enabled(p);
        if (kind == ProbeKind.PROMQL) {
            return new ProbeSpec(id, kind, schedule, required(p, "query").trim(), null, null, op, threshold,
                    forDuration, severity, alertname, labels, annotations, action, noData, enabled, null, null, null);
        }
        Sql sql = sql(p);
        return new ProbeSpec(id, kind, schedule, null, sql.sql(), sql.datasource(), op, threshold, forDuration,
                severity, alertname, labels, annotations, action, noData, enabled, sql.valueColumn(),
                sql.labelColumns(), sql.window());
    }

    private record Sql(String sql, String datasource, String valueColumn, List<String> labelColumns, Duration window) {
    }

    private static Severity severity(Map<String, String> p) {
        String text = required(p, "severity").trim().toLowerCase(Locale.ROOT);
        if (!Set.of("critical", "warning", "info").contains(text)) {
            throw new InvalidProbeException("severity", "'" + p.get("severity") + "' is not critical, warning or info");
        }
        return Severity.of(text);
    }

    private static boolean enabled(Map<String, String> p) {
        String text = required(p, "enabled").trim().toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw new InvalidProbeException("enabled", "'" + p.get("enabled") + "' is not true or false");
        }
        return text.equals("true");
    }

    private static Map<String, String> labels(Map<String, String> p) {
        Map<String, String> labels = mapping(p, "labels");
        labels.keySet().forEach(name -> {
            if (!LABEL_NAME.matcher(name).matches()) {
                throw new InvalidProbeException("labels", "'" + name + "' is not a valid label name");
            }
            if (RESERVED_LABELS.contains(name)) {
                throw new InvalidProbeException("labels", "set '" + name + "' with the " + name + " parameter, not as a label");
            }
        });
        return labels;
    }

    private static Map<String, AnnotationTemplate> annotations(Map<String, String> p) {
        Map<String, AnnotationTemplate> annotations = new LinkedHashMap<>();
        mapping(p, "annotations").forEach((name, text) -> {
            if (!LABEL_NAME.matcher(name).matches()) {
                throw new InvalidProbeException("annotations", "'" + name + "' is not a valid annotation name");
            }
            try {
                annotations.put(name, AnnotationTemplate.parse(text));
            } catch (IllegalArgumentException e) {
                throw new InvalidProbeException("annotations", name + ": " + e.getMessage());
            }
        });
        return annotations;
    }

    private static Sql sql(Map<String, String> p) {
        String sql = required(p, "sql").trim();
        String datasource = required(p, "datasource").trim();
        if (!DATASOURCE.matcher(datasource).matches()) {
            throw new InvalidProbeException("datasource", "'" + datasource
                    + "' must be letters, digits, '-' or '_' (it names alerthub.datasources.<name>.url)");
        }
        String valueColumn = required(p, "valueColumn").trim().toLowerCase(Locale.ROOT);
        List<String> labelColumns = null;
        String cols = optional(p, "labelColumns");
        if (cols != null) {
            labelColumns = Arrays.stream(cols.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .map(s -> s.toLowerCase(Locale.ROOT)).toList();
            for (String c : labelColumns) {
                if (!LABEL_NAME.matcher(c).matches()) {
                    throw new InvalidProbeException("labelColumns", "'" + c + "' is not a valid label name");
                }
            }
        }
        String w = optional(p, "window");
        Duration window = w == null ? null : parse("window", w, Durations::parse);
        boolean usesSince = sql.contains(":?since");
        if (usesSince && window == null) {
            throw new InvalidProbeException("window", "the SQL uses :?since, so set window (like 15m)");
        }
        if (!usesSince && window != null) {
            throw new InvalidProbeException("window", "is set but the SQL has no :?since to bind it to");
        }
        return new Sql(sql, datasource, valueColumn, labelColumns, window);
    }

    private static Schedule schedule(Map<String, String> p) {
        String every = optional(p, "every");
        String cron = optional(p, "cron");
        if (every != null && cron != null) {
            throw new InvalidProbeException("cron", "set either every or cron, not both");
        }
        if (every == null && cron == null) {
            throw new InvalidProbeException("every", "missing: set every (like 15s) or cron (a Quartz cron expression)");
        }
        if (every != null) {
            Duration d = parse("every", every, Durations::parse);
            if (d.compareTo(MIN_INTERVAL) < 0) {
                throw new InvalidProbeException("every", "'" + every + "' is shorter than 1s");
            }
            return new Schedule(d, null);
        }
        if (!CronExpression.isValidExpression(cron.trim())) {
            throw new InvalidProbeException("cron", "'" + cron + "' is not a Quartz cron expression "
                    + "(seconds minutes hours day-of-month month day-of-week, e.g. \"0/15 * * * * ?\")");
        }
        return new Schedule(null, cron.trim());
    }

    private interface Parser<T> {
        T parse(String s);
    }

    private static <T> T parse(String name, String value, Parser<T> parser) {
        try {
            return parser.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidProbeException(name, e.getMessage());
        }
    }

    private static double number(String s) {
        try {
            double d = Double.parseDouble(s.trim());
            if (Double.isNaN(d)) {
                throw new IllegalArgumentException("'" + s + "' is not a number");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a number");
        }
    }

    private static String required(Map<String, String> p, String name) {
        String v = p.get(name);
        if (v == null || v.isBlank()) {
            throw new InvalidProbeException(name, "missing (required)");
        }
        return v;
    }

    private static String optional(Map<String, String> p, String name) {
        String v = p.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** labels / annotations are a YAML mapping written as text: "team: payments" or "{team: payments}". */
    private static Map<String, String> mapping(Map<String, String> p, String name) {
        String text = optional(p, name);
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null) {
            return out;
        }
        Object parsed;
        try {
            parsed = new Load(LoadSettings.builder().build()).loadFromString(text);
        } catch (RuntimeException e) {
            throw new InvalidProbeException(name, "not a YAML mapping (name: value lines, or {name: value, ...}): "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new InvalidProbeException(name, "not a mapping; write name: value lines, or {name: value, ...}");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() instanceof Map || e.getValue() instanceof List) {
                throw new InvalidProbeException(name, e.getKey() + ": the value must be text, not a list or mapping");
            }
            out.put(String.valueOf(e.getKey()), e.getValue() == null ? "" : String.valueOf(e.getValue()));
        }
        return out;
    }

    /** " (did you mean 'x'?)" for the closest known name, else the list of known names. */
    public static String suggestion(String name, List<String> known) {
        return Suggestions.closest(name, known).map(best -> " (did you mean '" + best + "'?)")
                .orElse(" (parameters: " + String.join(", ", known) + ")");
    }
}
