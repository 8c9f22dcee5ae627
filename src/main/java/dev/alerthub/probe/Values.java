package dev.alerthub.probe;

import java.math.BigDecimal;
import java.math.MathContext;

/** How a sample value reads in an annotation: as Prometheus prints {@code $value} and its humanize functions. */
public final class Values {
    private static final String[] BIG = {"", "k", "M", "G", "T", "P", "E", "Z", "Y"};
    private static final String[] SMALL = {"", "m", "u", "n", "p", "f", "a", "z", "y"};

    private Values() {
    }

    /** Go's %v for a float64: shortest exact digits, exponent form only for very large or small values. */
    public static String plain(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        int exponent = d.precision() - d.scale() - 1;
        if (exponent < -4 || exponent >= 21) {
            String mantissa = d.movePointLeft(exponent).toPlainString();
            return mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        return d.toPlainString();
    }

    /** Four significant digits, trailing zeros dropped (Go's %.4g without its exponent form). */
    static String sig4(double v) {
        if (v == 0) {
            return "0";
        }
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** 1234567 -> 1.235M, 0.0012 -> 1.2m (Prometheus' humanize). */
    public static String humanize(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return plain(v);
        }
        double a = Math.abs(v);
        int i = 0;
        if (a >= 1) {
            while (a >= 1000 && i < BIG.length - 1) {
                a /= 1000;
                v /= 1000;
                i++;
            }
            return sig4(v) + BIG[i];
        }
        if (a == 0) {
            return "0";
        }
        while (a < 1 && i < SMALL.length - 1) {
            a *= 1000;
            v *= 1000;
            i++;
        }
        return sig4(v) + SMALL[i];
    }

    /** 0.0512 -> 5.12% (Prometheus' humanizePercentage). */
    public static String humanizePercentage(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return plain(v);
        }
        return sig4(v * 100) + "%";
    }

    /** Seconds as 1d 2h 3m 4s, or 123.4ms below a second (Prometheus' humanizeDuration). */
    public static String humanizeDuration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return plain(seconds);
        }
        String sign = seconds < 0 ? "-" : "";
        double v = Math.abs(seconds);
        if (v == 0) {
            return "0s";
        }
        if (v < 1) {
            if (v >= 1e-3) {
                return sign + sig4(v * 1e3) + "ms";
            }
            if (v >= 1e-6) {
                return sign + sig4(v * 1e6) + "us";
            }
            return sign + sig4(v * 1e9) + "ns";
        }
        long total = (long) v;
        long days = total / 86_400;
        long hours = total / 3600 % 24;
        long minutes = total / 60 % 60;
        double secs = v - total + total % 60;
        StringBuilder sb = new StringBuilder(sign);
        if (days > 0) {
            sb.append(days).append("d ");
        }
        if (days > 0 || hours > 0) {
            sb.append(hours).append("h ");
        }
        if (days > 0 || hours > 0 || minutes > 0) {
            sb.append(minutes).append("m ");
        }
        return sb.append(sig4(secs)).append('s').toString();
    }
}
