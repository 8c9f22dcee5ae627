// Bounded memory of the intake: 200,000 distinct alerts fired and then resolved through
// AlertStore.accept (the webhook's durable path, without HTTP), heap used after a full GC and the
// intake view's size printed every 20,000 alerts, once with the view effectively unbounded (how the
// intake behaved before alerthub.intake.view.max-alerts) and once with the given bound.
//   bench/view-soak.sh <jdbc-url> [alerts=200000] [max-alerts=100000] [user]
import dev.alerthub.admin.HubMetrics;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.store.AlertStore;
import dev.alerthub.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

public class ViewSoak {
    private static final int THREADS = 16;
    private static final int PER_REQUEST = 10;
    private static final int REPORT_EVERY = 20_000;

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int alerts = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int bound = args.length > 2 ? Integer.parseInt(args[2]) : AlertStore.ViewSettings.DEFAULTS.maxAlerts();
        String user = args.length > 3 ? args[3] : "";
        System.out.printf("%d distinct alerts, each fired then resolved, %d callers, %d alerts per request%n%n",
                alerts, THREADS, PER_REQUEST);
        System.out.println("| view bound | alerts fired+resolved | view size | heap used after GC |");
        System.out.println("| --- | --- | --- | --- |");
        soak(url, user, alerts, Integer.MAX_VALUE, "unbounded (as before)");
        soak(url, user, alerts, bound, String.format("%,d", bound));
    }

    static void soak(String url, String user, int alerts, int bound, String label) throws Exception {
        AlertStore.ViewSettings settings = new AlertStore.ViewSettings(bound, Duration.ofMinutes(15),
                Duration.ofHours(6));
        String run = Long.toString(System.nanoTime(), 36);
        ExecutorService callers = Executors.newFixedThreadPool(THREADS);
        try (Database db = Database.open(url, user, "");
             AlertStore store = new AlertStore(db, Clock.systemUTC(), 30_000,
                     new HubMetrics(new SimpleMeterRegistry()), settings)) {
            report(label, 0, store);
            for (int done = 0; done < alerts; done += REPORT_EVERY) {
                List<Future<?>> requests = new ArrayList<>();
                for (int r = done; r < done + REPORT_EVERY; r += PER_REQUEST) {
                    int first = r;
                    requests.add(callers.submit(() -> fireAndResolve(store, run, first)));
                }
                for (Future<?> f : requests) {
                    f.get();
                }
                report(label, done + REPORT_EVERY, store);
            }
        } finally {
            callers.shutdown();
        }
    }

    static void fireAndResolve(AlertStore store, String run, int first) {
        Instant start = Instant.parse("2026-12-01T10:00:00Z");
        List<Alert> firing = new ArrayList<>(PER_REQUEST);
        for (int i = first; i < first + PER_REQUEST; i++) {
            firing.add(Alert.of(AlertStatus.FIRING, Map.of("alertname", "Soak", "severity", "warning",
                    "run", run, "instance", "i" + i), Map.of("summary", "soak"), start, null,
                    "http://prometheus/graph", "alertmanager"));
        }
        store.accept(firing);
        store.accept(firing.stream().map(a -> a.withStatus(AlertStatus.RESOLVED, start.plusSeconds(60))).toList());
    }

    static void report(String label, int alerts, AlertStore store) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("| %s | %,d | %,d | %.1f MiB |%n", label, alerts, store.viewSize(), used / 1048576.0);
    }
}
