package dev.alerthub.probe;

import java.util.List;
import java.util.Map;

/**
 * What a probe's query answered: samples (possibly none), or why it could not be evaluated.
 *
 * @param error null when the query worked
 */
public record ProbeResult(List<Sample> samples, String error) {

    /**
     * One series (PromQL) or row (SQL).
     *
     * @param labels the series' labels, or the row's label columns
     * @param value  NaN when the query gave NaN or SQL NULL: "no data" for this series
     * @param row    SQL: every column of the row as text, for {@code $row.<column>}; empty for PromQL
     */
    public record Sample(Map<String, String> labels, double value, Map<String, String> row) {
        public Sample {
            labels = Map.copyOf(labels);
            row = row == null ? Map.of() : Map.copyOf(row);
        }
    }

    public ProbeResult {
        samples = samples == null ? List.of() : List.copyOf(samples);
    }

    public static ProbeResult of(List<Sample> samples) {
        return new ProbeResult(samples, null);
    }

    public static ProbeResult failed(String error) {
        return new ProbeResult(List.of(), error);
    }

    public boolean failed() {
        return error != null;
    }
}
