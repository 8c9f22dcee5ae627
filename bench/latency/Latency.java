import com.sun.net.httpserver.HttpServer;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Webhook -> PagerDuty stand-in latency of per-alert pages, in one process so both ends read the
 * same clock: a PagerDuty Events API stand-in on stubPort (202 as PagerDuty answers) and a
 * generator posting one new critical alert per webhook at a fixed rate (open loop: a slow answer
 * does not slow the next request). Latency = stand-in received the page - the webhook was sent.
 *   java bench/latency/Latency.java <hubPort> <stubPort> <alerts-per-second> <warm-up-s> <measured-s>
 */
public class Latency {
    static final Pattern ID = Pattern.compile("lat-(\\d+)-(\\d+)");

    public static void main(String[] args) throws Exception {
        int hubPort = Integer.parseInt(args[0]);
        int stubPort = Integer.parseInt(args[1]);
        int rate = Integer.parseInt(args[2]);
        int warm = Integer.parseInt(args[3]);
        int secs = Integer.parseInt(args[4]);
        int total = rate * (warm + secs);
        long run = System.nanoTime();
        AtomicLongArray sent = new AtomicLongArray(total);
        AtomicLongArray received = new AtomicLongArray(total);
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", stubPort), 512);
        stub.setExecutor(Executors.newFixedThreadPool(8));
        stub.createContext("/", ex -> {
            long now = System.nanoTime();
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Matcher m = ID.matcher(body);
            if (m.find() && Long.parseLong(m.group(1)) == run && body.contains("\"trigger\"")) {
                int n = Integer.parseInt(m.group(2));
                received.compareAndSet(n, 0, now);
            }
            byte[] answer = "{\"status\":\"success\",\"message\":\"Event processed\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(202, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        stub.start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(8)).build();
        URI url = URI.create("http://127.0.0.1:" + hubPort + "/webhooks/alertmanager");
        String startsAt = Instant.now().toString();
        AtomicInteger refused = new AtomicInteger();
        java.util.Map<String, Integer> reasons = new java.util.concurrent.ConcurrentHashMap<>();
        ScheduledExecutorService tick = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger next = new AtomicInteger();
        tick.scheduleAtFixedRate(() -> {
            int n = next.getAndIncrement();
            if (n >= total) {
                return;
            }
            // each webhook its own Alertmanager group: per-alert pages (one shared group of more than
            // alerthub.pagerduty.group-above criticals would be one group incident, docs/sinks.md#grouping)
            String body = "{\"version\":\"4\",\"status\":\"firing\",\"receiver\":\"bench\",\"groupKey\":\"lat-" + run + "-" + n + "\","
                    + "\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"BenchPage\",\"severity\":\"critical\","
                    + "\"namespace\":\"bench\",\"instance\":\"lat-" + run + "-" + n + "\"},\"annotations\":{\"summary\":\"bench page\"},"
                    + "\"startsAt\":\"" + startsAt + "\",\"endsAt\":\"0001-01-01T00:00:00Z\"}]}";
            sent.set(n, System.nanoTime());
            http.sendAsync(HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        if (e != null || r.statusCode() != 200) {
                            refused.incrementAndGet();
                            reasons.merge(e != null ? (e.getCause() != null ? e.getCause() : e).toString() : "HTTP " + r.statusCode(), 1,
                                    Integer::sum);
                        }
                    });
        }, 0, 1_000_000_000L / rate, TimeUnit.NANOSECONDS);
        // waiting for the schedule to run out, then for the last pages: a bench, not a test
        Thread.sleep((warm + secs) * 1000L + 10_000);
        tick.shutdownNow();
        int from = rate * warm;
        long[] lat = new long[total - from];
        int got = 0;
        for (int i = from; i < total; i++) {
            if (received.get(i) != 0 && sent.get(i) != 0) {
                lat[got++] = received.get(i) - sent.get(i);
            }
        }
        long[] l = Arrays.copyOf(lat, got);
        Arrays.sort(l);
        System.out.printf(Locale.ROOT, "latency %d alerts/s: pages %d of %d measured, p50 %.1f ms, p99 %.1f ms, max %.1f ms,"
                        + " webhooks refused %d %s%n", rate, got, total - from, pct(l, 50), pct(l, 99),
                l.length == 0 ? 0 : l[l.length - 1] / 1e6, refused.get(), reasons.isEmpty() ? "" : reasons);
        stub.stop(0);
        System.exit(0);
    }

    static double pct(long[] sorted, int p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
    }
}
