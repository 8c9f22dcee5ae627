package dev.alerthub.probe;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bean around the SQL probe's camel-jdbc call (route probe-sql): the statement is the probe
 * file's SQL as written, with at most one bound parameter ({@code :?since}); rows become samples.
 * <p>
 * The value column may be a number, or a time: a time is turned into its age in seconds at the
 * evaluation time, so "newest row older than 2h" is {@code SELECT MAX(created_at) AS value} with
 * {@code op: ">"} and {@code threshold: 7200} on every database. SQL NULL (e.g. MAX over no rows) is
 * "no data".
 */
public class SqlQuery {
    public static final String DATASOURCE = "alerthubProbeDatasource";
    public static final String QUERY_TIMEOUT = "alerthubProbeQueryTimeout";

    /** Leaves the SQL as body, {@code since} as a header when the SQL uses it, the DataSource's bean name. */
    private final int queryTimeoutSeconds;

    public SqlQuery(java.time.Duration timeout) {
        this.queryTimeoutSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    }

    public void request(Exchange exchange) {
        ProbeRun run = exchange.getProperty(ProbeRun.PROPERTY, ProbeRun.class);
        ProbeSpec spec = run.spec();
        Message m = exchange.getMessage();
        m.setBody(spec.sql());
        if (spec.window() != null) {
            m.setHeader("since", Timestamp.from(run.at().minus(spec.window())));
        }
        exchange.setProperty(DATASOURCE, ProbeDataSources.beanName(spec.datasource()));
        exchange.setProperty(QUERY_TIMEOUT, queryTimeoutSeconds);
    }

    public ProbeResult response(Exchange exchange) {
        ProbeRun run = exchange.getProperty(ProbeRun.PROPERTY, ProbeRun.class);
        List<?> rows = exchange.getMessage().getBody(List.class);
        exchange.getMessage().removeHeaders("*");
        return toResult(run.spec(), run.at(), rows);
    }

    public ProbeResult failed(Exchange exchange) {
        ProbeRun run = exchange.getProperty(ProbeRun.PROPERTY, ProbeRun.class);
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        exchange.getMessage().removeHeaders("*");
        return ProbeResult.failed("SQL on datasource '" + run.spec().datasource() + "' failed: " + describe(t));
    }

    static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException s) {
                return s.getMessage() + (s.getSQLState() == null ? "" : " (SQLState " + s.getSQLState() + ")");
            }
        }
        return PrometheusQuery.describe(t);
    }

    static ProbeResult toResult(ProbeSpec spec, Instant at, List<?> rows) {
        List<ProbeResult.Sample> samples = new ArrayList<>();
        if (rows == null) {
            return ProbeResult.of(samples);
        }
        for (Object r : rows) {
            if (!(r instanceof Map<?, ?> raw)) {
                return ProbeResult.failed("the SQL did not return rows (a SELECT is expected)");
            }
            Map<String, Object> row = new LinkedHashMap<>();
            raw.forEach((k, v) -> row.put(String.valueOf(k).toLowerCase(Locale.ROOT), v));
            if (!row.containsKey(spec.valueColumn())) {
                return ProbeResult.failed("the result has no column '" + spec.valueColumn() + "' (columns: "
                        + String.join(", ", row.keySet()) + "); name the measured column with AS "
                        + spec.valueColumn() + " or set valueColumn");
            }
            double value;
            try {
                value = value(row.get(spec.valueColumn()), at);
            } catch (IllegalArgumentException e) {
                return ProbeResult.failed("column '" + spec.valueColumn() + "': " + e.getMessage());
            }
            Map<String, String> text = new TreeMap<>();
            row.forEach((k, v) -> text.put(k, v == null ? "" : text(v)));
            Map<String, String> labels = new TreeMap<>();
            List<String> labelColumns = spec.labelColumns() != null ? spec.labelColumns()
                    : row.keySet().stream().filter(c -> !c.equals(spec.valueColumn())).toList();
            for (String c : labelColumns) {
                if (!row.containsKey(c)) {
                    return ProbeResult.failed("labelColumns names '" + c + "' but the result has no such column (columns: "
                            + String.join(", ", row.keySet()) + ")");
                }
                if (row.get(c) != null) {
                    labels.put(c, text(row.get(c)));
                }
            }
            samples.add(new ProbeResult.Sample(labels, value, text));
        }
        return ProbeResult.of(samples);
    }

    static double value(Object v, Instant at) {
        if (v == null) {
            return Double.NaN;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        Instant t = instant(v);
        if (t != null) {
            return Duration.between(t, at).toMillis() / 1000.0;
        }
        try {
            return Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is neither a number nor a time");
        }
    }

    private static Instant instant(Object v) {
        if (v instanceof Timestamp ts) {
            return ts.toInstant();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().atStartOfDay(ZoneId.systemDefault()).toInstant();
        }
        if (v instanceof Date d) {
            return d.toInstant();
        }
        if (v instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (v instanceof ZonedDateTime t) {
            return t.toInstant();
        }
        if (v instanceof LocalDateTime t) {
            return t.atZone(ZoneId.systemDefault()).toInstant();
        }
        if (v instanceof LocalDate d) {
            return d.atStartOfDay(ZoneId.systemDefault()).toInstant();
        }
        if (v instanceof Instant i) {
            return i;
        }
        return null;
    }

    private static String text(Object v) {
        if (v instanceof Double d) {
            return Values.plain(d);
        }
        if (v instanceof Float f) {
            return Values.plain(f);
        }
        if (v instanceof java.math.BigDecimal b) {
            return b.stripTrailingZeros().toPlainString();
        }
        return v.toString();
    }
}
