package dev.alerthub.bench;

import dev.alerthub.probe.ProbeRun;
import dev.alerthub.support.HttpStub;
import dev.alerthub.support.MetricsExporter;
import dev.alerthub.support.ProbeRoutes;
import dev.alerthub.support.PrometheusServer;
import dev.alerthub.support.SinkStubs;
import dev.alerthub.support.TestHub;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N PromQL probes every S seconds against the real Prometheus, in the real hub. Measures, after a
 * warm-up, how many evaluations each probe got against how many its schedule asked for, how late
 * evaluations start (lag: Quartz's scheduled time to a worker starting it) and finish (scheduled
 * time to alerts stored), and the CPU the hub and Prometheus used. Run with bench/probes.sh.
 * <p>
 * Arguments (all optional): probes (1000), every seconds (15), warm-up seconds (30), measured seconds (180).
 */
public final class ProbeBench {
    public static void main(String[] args) throws Exception {
        int probes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int every = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int measured = args.length > 3 ? Integer.parseInt(args[3]) : 180;

        MetricsExporter exporter = new MetricsExporter();
        for (int i = 0; i < probes; i++) {
            // one probe in ten is above its threshold (a firing alert re-sent every evaluation)
            exporter.set("bench_queue_depth", Map.of("probe", id(i), "namespace", "bench"), i % 10 == 0 ? 100 : 1);
        }
        PrometheusServer prometheus = PrometheusServer.start(exporter.target()).awaitData("bench_queue_depth");
        HttpStub slack = SinkStubs.slack();

        ProbeRoutes routes = ProbeRoutes.copyOfProject();
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < probes; i++) {
            yaml.append(ProbeRoutes.templated("promql-probe", "id", id(i), "every", every + "s",
                    "query", "bench_queue_depth{probe=\"" + id(i) + "\"}", "op", ">", "threshold", "50",
                    "severity", "warning", "alertname", "BenchQueueDeep",
                    "annotations", "summary: queue {{ $labels.probe }} holds {{ $value }}"));
        }
        Files.writeString(routes.dir().resolve("probes").resolve("bench.camel.yaml"), yaml);

        Instant startAsked = Instant.now();
        TestHub hub = TestHub.builder().routesDir(routes.dir()).slack(slack)
                .property("alerthub.prometheus.url", prometheus.url())
                .property("alerthub.delivery.slack-per-second", "1000")
                .property("camel.main.shutdown-timeout", "5")
                .start();
        Duration startup = Duration.between(startAsked, Instant.now());

        Recorder recorder = new Recorder();
        hub.context().getManagementStrategy().addEventNotifier(recorder);
        recorder.start();
        MeterRegistry meters = hub.bean("metricsRegistry", MeterRegistry.class);

        sleep(warmup);
        recorder.measuring = true;
        Instant from = Instant.now();
        long hubCpu0 = processCpuNanos();
        long promCpu0 = prometheusCpuTicks();
        Map<String, Double> outcomes0 = outcomes(meters);
        sleep(measured);
        recorder.measuring = false;
        Instant to = Instant.now();
        long hubCpu = processCpuNanos() - hubCpu0;
        long promCpu = prometheusCpuTicks() - promCpu0;
        Map<String, Double> outcomes = outcomes(meters);

        double seconds = Duration.between(from, to).toMillis() / 1000.0;
        int expectedLow = (int) Math.floor(seconds / every);
        int expectedHigh = (int) Math.ceil(seconds / every);
        int missed = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int i = 0; i < probes; i++) {
            int n = recorder.count(id(i));
            min = Math.min(min, n);
            max = Math.max(max, n);
            if (n < expectedLow) {
                missed += expectedLow - n;
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.println();
        System.out.println("## " + probes + " PromQL probes every " + every + "s, measured " + Math.round(seconds)
                + " s after " + warmup + " s warm-up");
        System.out.println("| what | figure |");
        System.out.println("| --- | --- |");
        System.out.println("| hub start-up with the probe files (" + probes + " routes) | " + ms(startup) + " |");
        System.out.println("| evaluations per probe (schedule asks " + expectedLow + (expectedHigh != expectedLow
                ? "-" + expectedHigh : "") + ") | min " + min + ", max " + max + " |");
        System.out.println("| evaluations missed | " + missed + " |");
        System.out.println("| evaluations per second | " + String.format(Locale.ROOT, "%.1f", recorder.total() / seconds) + " |");
        System.out.println("| outcomes in the window (alerthub_probe_evaluations_total) | " + delta(outcomes0, outcomes) + " |");
        System.out.println("| lag: scheduled -> worker starts, p50 / p99 / max | " + recorder.lag.summary() + " |");
        System.out.println("| scheduled -> alerts stored, p50 / p99 / max | " + recorder.done.summary() + " |");
        System.out.println("| hub CPU (process, " + cores + " cores) | " + String.format(Locale.ROOT, "%.1f %% of one core (%.1f %% of the machine)",
                100.0 * hubCpu / 1e9 / seconds, 100.0 * hubCpu / 1e9 / seconds / cores) + " |");
        System.out.println("| Prometheus CPU | " + String.format(Locale.ROOT, "%.1f %% of one core",
                100.0 * promCpu / 100.0 / seconds) + " |");
        System.out.println("| firing alerts stored (one probe in ten fires) | "
                + dev.alerthub.alert.Json.MAPPER.readTree(hub.get("/api/alerts?status=firing").body()).size() + " |");
        hub.close();
        prometheus.close();
        exporter.close();
        slack.close();
        System.exit(missed == 0 ? 0 : 1);
    }

    static String id(int i) {
        return String.format(Locale.ROOT, "p%04d", i);
    }

    /** Counts finished evaluations per probe, and their timings, from Camel's own exchange events. */
    static final class Recorder extends EventNotifierSupport {
        volatile boolean measuring;
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        final Samples lag = new Samples();
        final Samples done = new Samples();

        Recorder() {
            setIgnoreCamelContextEvents(true);
            setIgnoreRouteEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreExchangeCreatedEvent(true);
            setIgnoreExchangeSendingEvents(true);
            setIgnoreExchangeSentEvents(true);
            setIgnoreStepEvents(true);
            setIgnoreExchangeRedeliveryEvents(true);
        }

        @Override
        public void notify(CamelEvent event) {
            if (!measuring || !(event instanceof CamelEvent.ExchangeCompletedEvent e)) {
                return;
            }
            Exchange x = e.getExchange();
            if (!"probe-evaluate".equals(x.getFromRouteId())) {
                return;
            }
            ProbeRun run = x.getProperty(ProbeRun.PROPERTY, ProbeRun.class);
            Instant started = x.getProperty("alerthubProbeStarted", Instant.class);
            if (run == null || started == null) {
                return;
            }
            counts.computeIfAbsent(run.spec().id(), k -> new AtomicInteger()).incrementAndGet();
            lag.add(Duration.between(run.at(), started).toMillis());
            done.add(Duration.between(run.at(), Instant.now()).toMillis());
        }

        int count(String id) {
            AtomicInteger n = counts.get(id);
            return n == null ? 0 : n.get();
        }

        int total() {
            return counts.values().stream().mapToInt(AtomicInteger::get).sum();
        }
    }

    static final class Samples {
        private final List<Long> values = Collections.synchronizedList(new ArrayList<>());

        void add(long ms) {
            values.add(ms);
        }

        String summary() {
            List<Long> v;
            synchronized (values) {
                v = new ArrayList<>(values);
            }
            if (v.isEmpty()) {
                return "-";
            }
            Collections.sort(v);
            return v.get(v.size() / 2) + " ms / " + v.get((int) Math.min(v.size() - 1, Math.ceil(v.size() * 0.99) - 1))
                    + " ms / " + v.get(v.size() - 1) + " ms";
        }
    }

    static Map<String, Double> outcomes(MeterRegistry meters) {
        Map<String, Double> out = new java.util.TreeMap<>();
        for (Counter c : meters.find("alerthub.probe.evaluations").counters()) {
            out.merge(c.getId().getTag("outcome"), c.count(), Double::sum);
        }
        return out;
    }

    static String delta(Map<String, Double> before, Map<String, Double> after) {
        StringBuilder sb = new StringBuilder();
        after.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(Math.round(v - before.getOrDefault(k, 0.0))));
        return sb.toString();
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** utime + stime of the prometheus process, in clock ticks (100 per second on Linux). */
    static long prometheusCpuTicks() throws Exception {
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            if (p.info().command().orElse("").endsWith("/prometheus") && p.parent().map(ProcessHandle::pid)
                    .orElse(-1L) == ProcessHandle.current().pid()) {
                String[] f = Files.readString(Path.of("/proc/" + p.pid() + "/stat")).split("\\) ")[1].split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            }
        }
        return 0;
    }

    static String ms(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /** Waits out a warm-up or measurement window: the end of the window is scheduled, not slept to. */
    static void sleep(int seconds) throws InterruptedException {
        java.util.concurrent.ScheduledExecutorService clock = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            clock.schedule(() -> null, seconds, java.util.concurrent.TimeUnit.SECONDS).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            clock.shutdownNow();
        }
    }
}
