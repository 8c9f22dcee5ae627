package dev.alerthub.probe;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The comparison of a probe: {@code value <op> threshold}, as in a Prometheus alerting expression. */
public enum Comparison {
    GT(">"), GE(">="), LT("<"), LE("<="), EQ("=="), NE("!=");

    private final String symbol;

    Comparison(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /** False for NaN, as in PromQL; callers treat NaN as "no data" before they get here. */
    public boolean holds(double value, double threshold) {
        return switch (this) {
            case GT -> value > threshold;
            case GE -> value >= threshold;
            case LT -> value < threshold;
            case LE -> value <= threshold;
            case EQ -> value == threshold;
            case NE -> value != threshold;
        };
    }

    public static Comparison parse(String s) {
        for (Comparison c : values()) {
            if (c.symbol.equals(s.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not one of " + symbols());
    }

    public static String symbols() {
        return Arrays.stream(values()).map(Comparison::symbol).collect(Collectors.joining(", "));
    }
}
