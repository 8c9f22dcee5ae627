package dev.alerthub.support;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * A tiny exporter the test controls: serves whatever series the test set, in Prometheus' text
 * format, on 127.0.0.1 at /metrics. Gauges, counters and histogram buckets are all just series here;
 * {@link #histogram} writes the _bucket/_sum/_count family the way client libraries do.
 */
public final class MetricsExporter implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, String> series = new ConcurrentHashMap<>();

    public MetricsExporter() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.createContext("/metrics", ex -> {
            String text = new TreeMap<>(series).entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("\n", "", "\n"));
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    /** host:port for a scrape config. */
    public String target() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Sets one series, e.g. {@code set("shop_error_ratio", Map.of("deployment", "a"), 0.2)}; NaN allowed. */
    public MetricsExporter set(String name, Map<String, String> labels, double value) {
        series.put(key(name, labels), format(value));
        return this;
    }

    /** Stops exposing a series (Prometheus marks it stale at the next scrape). */
    public MetricsExporter remove(String name, Map<String, String> labels) {
        series.remove(key(name, labels));
        return this;
    }

    /** Cumulative bucket counts (upper bound -> count) plus _sum and _count, as a client library exposes them. */
    public MetricsExporter histogram(String name, Map<String, String> labels, Map<Double, Long> cumulative, double sum) {
        long count = 0;
        for (Map.Entry<Double, Long> b : new TreeMap<>(cumulative).entrySet()) {
            Map<String, String> l = new TreeMap<>(labels);
            l.put("le", format(b.getKey()));
            set(name + "_bucket", l, b.getValue());
            count = Math.max(count, b.getValue());
        }
        Map<String, String> inf = new TreeMap<>(labels);
        inf.put("le", "+Inf");
        set(name + "_bucket", inf, count);
        set(name + "_sum", labels, sum);
        set(name + "_count", labels, count);
        return this;
    }

    private static String key(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        return name + new TreeMap<>(labels).entrySet().stream()
                .map(e -> e.getKey() + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(v);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
