// Durable intake alone: AlertStore.accept of 10-alert requests from N threads, every alert new
// (measured.md's "durable storage of a 10-alert request" case). Runs against the packaged jar:
//   java -cp target/alerthub.jar bench/store/StoreBench.java <jdbc-url> [threads=32] [seconds=15] [user]
import dev.alerthub.admin.HubMetrics;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.store.AlertStore;
import dev.alerthub.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

public class StoreBench {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        String user = args.length > 3 ? args[3] : "";
        try (Database db = Database.open(url, user, "");
             AlertStore store = new AlertStore(db, Clock.systemUTC(), 30_000, new HubMetrics(new SimpleMeterRegistry()))) {
            run(store, threads, 5, "warm-up");
            run(store, threads, seconds, "measured");
        }
    }

    static void run(AlertStore store, int threads, int seconds, String label) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong seq = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        Instant start = Instant.parse("2026-11-22T23:10:05.911374093Z");
        for (int t = 0; t < threads; t++) {
            long[] lat = new long[2_000_000];
            latencies.add(lat);
            Thread w = new Thread(() -> {
                int n = 0;
                while (!stop.get() && n < lat.length - 1) {
                    long id = seq.incrementAndGet();
                    List<Alert> alerts = new ArrayList<>(10);
                    for (int i = 0; i < 10; i++) {
                        alerts.add(Alert.of(AlertStatus.FIRING, Map.of("alertname", "BenchUnique", "severity", "warning",
                                "namespace", "bench", "instance", "r" + id + "-" + i), Map.of("summary", "bench"), start,
                                null, "http://prometheus/graph", "alertmanager"));
                    }
                    long t0 = System.nanoTime();
                    store.accept(alerts);
                    lat[++n] = System.nanoTime() - t0;
                }
                lat[0] = n;
            });
            workers.add(w);
        }
        long begin = System.nanoTime();
        workers.forEach(Thread::start);
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        double elapsed = (System.nanoTime() - begin) / 1e9;
        long total = 0;
        List<Long> all = new ArrayList<>();
        for (long[] lat : latencies) {
            total += lat[0];
            for (int i = 1; i <= lat[0]; i++) {
                all.add(lat[i]);
            }
        }
        long[] sorted = all.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        System.out.printf("%s: %d threads, %.0f requests/s = %.0f alerts/s, p50 %.1f ms, p99 %.1f ms%n", label, threads,
                total / elapsed, total * 10 / elapsed, sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.99)] / 1e6);
    }
}
