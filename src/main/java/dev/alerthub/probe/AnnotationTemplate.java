package dev.alerthub.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An annotation text with Prometheus' template expressions, so a probe reads like an alerting rule:
 * {@code "Error rate {{ $value | humanizePercentage }} on {{ $labels.deployment }}"}.
 * <p>
 * Understood: {@code $value}, {@code $labels.<name>}, {@code $row.<column>} (SQL probes: any column of
 * the row), the functions {@code humanize}, {@code humanizePercentage}, {@code humanizeDuration},
 * {@code printf "<format>"}, {@code toUpper}, {@code toLower}, called as {@code fn X} or piped
 * {@code X | fn}. A missing label renders as the empty string. Anything else is refused when the
 * probe is loaded, never while it alerts.
 */
public final class AnnotationTemplate {
    private static final Pattern ACTION = Pattern.compile("\\{\\{(-?)(.*?)(-?)}}", Pattern.DOTALL);
    private static final Pattern FIELD = Pattern.compile("\\$(labels|row)\\.([a-zA-Z_][a-zA-Z0-9_]*)");
    private static final Pattern PRINTF = Pattern.compile("printf\\s+\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern FORMAT_VERB = Pattern.compile("%[-+ 0#]*\\d*(?:\\.\\d+)?[a-zA-Z%]");

    /** What a template can see: the sample value, the instance's labels and (SQL) the row's columns. */
    public record Data(double value, Map<String, String> labels, Map<String, String> row) {
    }

    private interface Part {
        String render(Data data);
    }

    private interface Fn {
        String apply(Object arg);
    }

    private final String source;
    private final List<Part> parts;

    private AnnotationTemplate(String source, List<Part> parts) {
        this.source = source;
        this.parts = parts;
    }

    public String source() {
        return source;
    }

    public String render(Data data) {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            sb.append(p.render(data));
        }
        return sb.toString();
    }

    /** Parses the text; throws IllegalArgumentException naming the expression it does not understand. */
    public static AnnotationTemplate parse(String text) {
        List<Part> parts = new ArrayList<>();
        Matcher m = ACTION.matcher(text);
        int at = 0;
        boolean trimNextLeading = false;
        while (m.find()) {
            String literal = text.substring(at, m.start());
            if (trimNextLeading) {
                literal = literal.stripLeading();
            }
            if (!m.group(1).isEmpty()) {
                literal = literal.stripTrailing();
            }
            addLiteral(parts, literal);
            parts.add(expression(m.group(2).trim()));
            trimNextLeading = !m.group(3).isEmpty();
            at = m.end();
        }
        String rest = text.substring(at);
        if (rest.contains("{{")) {
            throw new IllegalArgumentException("unclosed '{{' in \"" + text + "\"");
        }
        addLiteral(parts, trimNextLeading ? rest.stripLeading() : rest);
        return new AnnotationTemplate(text, List.copyOf(parts));
    }

    private static void addLiteral(List<Part> parts, String literal) {
        if (!literal.isEmpty()) {
            parts.add(d -> literal);
        }
    }

    private static Part expression(String expr) {
        if (expr.isEmpty()) {
            throw new IllegalArgumentException("empty '{{ }}'");
        }
        String[] pipeline = expr.split("\\|");
        // the first stage is either an operand, or a function applied to an operand ("humanize $value")
        String first = pipeline[0].trim();
        Part operand;
        int space = first.indexOf(' ');
        if (first.startsWith("$")) {
            operand = operand(first);
        } else if (space > 0) {
            Fn fn = function(first.substring(0, first.lastIndexOf(' ')).trim(), expr);
            Part arg = operand(first.substring(first.lastIndexOf(' ') + 1).trim());
            operand = d -> fn.apply(raw(arg, d));
        } else {
            throw new IllegalArgumentException("'{{ " + expr + " }}': expected $value, $labels.<name> or $row.<column>");
        }
        Part current = operand;
        for (int i = 1; i < pipeline.length; i++) {
            Fn fn = function(pipeline[i].trim(), expr);
            Part prev = current;
            current = d -> fn.apply(raw(prev, d));
        }
        return current;
    }

    /** $value keeps its number until the last step, so humanize and printf see a number, not text. */
    private interface ValuePart extends Part {
        double value(Data d);

        @Override
        default String render(Data d) {
            return Values.plain(value(d));
        }
    }

    private static Object raw(Part p, Data d) {
        return p instanceof ValuePart v ? (Object) v.value(d) : p.render(d);
    }

    private static Part operand(String token) {
        if (token.equals("$value")) {
            return (ValuePart) Data::value;
        }
        Matcher f = FIELD.matcher(token);
        if (f.matches()) {
            String name = f.group(2);
            boolean labels = f.group(1).equals("labels");
            return d -> {
                Map<String, String> m = labels ? d.labels() : d.row();
                String v = m == null ? null : m.get(name);
                return v == null ? "" : v;
            };
        }
        throw new IllegalArgumentException("'" + token + "' is not $value, $labels.<name> or $row.<column>");
    }

    private static Fn function(String call, String expr) {
        Matcher p = PRINTF.matcher(call);
        if (p.matches()) {
            String format = p.group(1).replace("\\\"", "\"").replace("%v", "%s");
            Matcher verbs = FORMAT_VERB.matcher(format);
            int count = 0;
            while (verbs.find()) {
                if (!verbs.group().equals("%%")) {
                    count++;
                }
            }
            if (count != 1) {
                throw new IllegalArgumentException("'{{ " + expr + " }}': printf takes a format with exactly one verb");
            }
            return arg -> printf(format, arg);
        }
        return switch (call) {
            case "humanize" -> arg -> Values.humanize(number(arg));
            case "humanizePercentage" -> arg -> Values.humanizePercentage(number(arg));
            case "humanizeDuration" -> arg -> Values.humanizeDuration(number(arg));
            case "toUpper" -> arg -> text(arg).toUpperCase(Locale.ROOT);
            case "toLower" -> arg -> text(arg).toLowerCase(Locale.ROOT);
            default -> throw new IllegalArgumentException("'{{ " + expr + " }}': unknown function '" + call
                    + "' (known: humanize, humanizePercentage, humanizeDuration, printf, toUpper, toLower)");
        };
    }

    private static String printf(String format, Object arg) {
        char verb = format.replaceAll(".*%[-+ 0#]*\\d*(?:\\.\\d+)?([a-zA-Z]).*", "$1").charAt(0);
        try {
            return switch (verb) {
                case 'd' -> String.format(Locale.ROOT, format, (long) number(arg));
                case 'f', 'e', 'g', 'E', 'G' -> String.format(Locale.ROOT, format, number(arg));
                default -> String.format(Locale.ROOT, format, text(arg));
            };
        } catch (RuntimeException e) {
            return text(arg);
        }
    }

    private static double number(Object arg) {
        if (arg instanceof Double d) {
            return d;
        }
        try {
            return Double.parseDouble(arg.toString().trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String text(Object arg) {
        return arg instanceof Double d ? Values.plain(d) : arg.toString();
    }

    @Override
    public String toString() {
        return source;
    }
}
