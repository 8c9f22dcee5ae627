package dev.alerthub.diagnose;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Severity;
import dev.alerthub.kube.KubernetesNames;
import dev.alerthub.kube.Rollouts;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.readiness.Readiness;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The facts a responder looks up first, gathered before a critical alert is sent: the Deployment's
 * recent rollouts (revision, image, age: "v1.2.0 rolled out 5 min ago"), its pods that are not ready
 * with restart counts and waiting reasons, and the current value of the alert's expression (the
 * {@code value} annotation probes set, and that Prometheus rules often set with {{ $value }}).
 *
 * <p>Bounded: the Kubernetes calls run on their own small pool and the page waits at most
 * alerthub.diagnosis.timeout for them; a slow or unreachable API costs that much and a note, never the page.
 */
public class Diagnosis {
    /** Exchange property the PagerDuty and Slack renderers read. */
    public static final String PROPERTY = "diagnosis";
    private static final Logger LOG = LoggerFactory.getLogger(Diagnosis.class);

    private final KubernetesClient client;
    private final ExecutorService pool;
    private final Duration timeout;
    private final Predicate<String> readable;
    private final int history;
    private final int maxPods;
    private final Clock clock;

    /**
     * @param client     null when no Kubernetes API is configured (then only the value annotation is shown)
     * @param readable   the namespaces the hub may read (alerthub.diagnosis.namespaces)
     */
    public Diagnosis(KubernetesClient client, ExecutorService pool, Duration timeout, Predicate<String> readable,
                     int history, int maxPods, Clock clock) {
        this.client = client;
        this.pool = pool;
        this.timeout = timeout;
        this.readable = readable;
        this.history = history;
        this.maxPods = maxPods;
        this.clock = clock;
    }

    /** Route step before rendering (body: the alert). Sets the {@value #PROPERTY} property for a firing critical alert. */
    public void attach(Exchange exchange) {
        exchange.removeProperty(PROPERTY);
        Alert alert = exchange.getMessage().getBody(Alert.class);
        if (alert == null || !alert.isFiring() || alert.severity() != Severity.CRITICAL) {
            return;
        }
        Map<String, Object> d = collect(alert);
        if (!d.isEmpty()) {
            exchange.setProperty(PROPERTY, d);
        }
    }

    /**
     * The diagnosis as a map: {@code summary} (lines for people), {@code rollouts}, {@code podsNotReady},
     * {@code value}, {@code expr} and {@code notes}; only what is known.
     */
    public Map<String, Object> collect(Alert alert) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> summary = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String ns = alert.label("namespace");
        String name = alert.label("deployment");
        if (client != null && ns != null && name != null) {
            if (!KubernetesNames.isNamespace(ns) || !KubernetesNames.isDeploymentName(name)) {
                notes.add("namespace/deployment labels are not Kubernetes names; not looked up");
            } else if (!readable.test(ns)) {
                // not the hub's business (and not in its RBAC): no lookup, and no note on every page about it
                LOG.debug("Diagnosis: namespace {} is not in alerthub.diagnosis.namespaces", ns);
            } else {
                kubernetes(ns, name, out, summary, notes);
            }
        }
        String value = alert.annotation("value");
        if (value != null && !value.isBlank()) {
            String expr = alert.annotation("expr");
            out.put("value", value);
            if (expr != null && !expr.isBlank()) {
                out.put("expr", expr);
            }
            summary.add("Current value: " + value + (expr == null || expr.isBlank() ? "" : " of " + expr));
        }
        if (!notes.isEmpty()) {
            out.put("notes", notes);
            summary.addAll(notes);
        }
        if (!summary.isEmpty()) {
            out.put("summary", summary);
        }
        return out;
    }

    private void kubernetes(String ns, String name, Map<String, Object> out, List<String> summary, List<String> notes) {
        Future<Facts> future;
        try {
            future = pool.submit(() -> facts(ns, name));
        } catch (RejectedExecutionException e) {
            notes.add("diagnosis skipped: Kubernetes lookups are busy");
            return;
        }
        try {
            Facts f = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (f == null) {
                notes.add("deployment " + ns + "/" + name + " not found");
                return;
            }
            out.put("rollouts", f.rollouts());
            out.put("podsNotReady", f.podsNotReady());
            summary.addAll(f.lines());
        } catch (TimeoutException e) {
            future.cancel(true);
            LOG.warn("Diagnosis of {}/{}: the Kubernetes API did not answer within {} ms; paging without it", ns, name,
                    timeout.toMillis());
            notes.add("Kubernetes API did not answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String msg = cause instanceof KubernetesClientException k && k.getCode() == 403
                    ? "no permission to read " + ns + " (see docs/remediation.md, RBAC)"
                    : "Kubernetes API: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + firstLine(cause.getMessage()));
            LOG.warn("Diagnosis of {}/{} failed: {}", ns, name, msg);
            notes.add(msg);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notes.add("diagnosis interrupted");
        }
    }

    private record Facts(List<Map<String, Object>> rollouts, List<Map<String, Object>> podsNotReady, List<String> lines) {
    }

    private Facts facts(String ns, String name) {
        Deployment d = client.apps().deployments().inNamespace(ns).withName(name).get();
        if (d == null) {
            return null;
        }
        Instant now = clock.instant();
        List<String> lines = new ArrayList<>();
        List<ReplicaSet> owned = Rollouts.owned(client, d);
        ReplicaSet current = Rollouts.current(d, owned);
        List<ReplicaSet> recent = owned.stream()
                .filter(rs -> Rollouts.revision(rs) != null)
                .sorted(Comparator.comparing((ReplicaSet rs) -> Rollouts.revision(rs)).reversed())
                .limit(history).toList();
        List<Map<String, Object>> rollouts = new ArrayList<>();
        for (ReplicaSet rs : recent) {
            Map<String, Object> r = new LinkedHashMap<>();
            boolean isCurrent = current != null && Objects.equals(rs.getMetadata().getUid(), current.getMetadata().getUid());
            r.put("revision", Rollouts.revision(rs));
            r.put("image", Rollouts.images(rs.getSpec().getTemplate()));
            r.put("createdAt", rs.getMetadata().getCreationTimestamp());
            String age = age(rs.getMetadata().getCreationTimestamp(), now);
            r.put("age", age);
            int replicas = n(rs.getStatus() == null ? null : rs.getStatus().getReplicas());
            int ready = n(rs.getStatus() == null ? null : rs.getStatus().getReadyReplicas());
            r.put("replicas", replicas);
            r.put("ready", ready);
            r.put("current", isCurrent);
            rollouts.add(r);
            lines.add("rev " + r.get("revision") + " " + r.get("image") + " rolled out " + age + " ago"
                    + (isCurrent ? " (current, " + ready + "/" + replicas + " ready)" : ""));
        }
        if (recent.isEmpty()) {
            lines.add("no rollout history (no ReplicaSets owned by " + ns + "/" + name + ")");
        }
        List<Pod> pods = client.pods().inNamespace(ns).withLabelSelector(d.getSpec().getSelector()).list().getItems();
        List<Map<String, Object>> notReady = notReady(pods, lines);
        int notReadyCount = (int) pods.stream().filter(p -> !Readiness.isPodReady(p)).count();
        if (notReadyCount > notReady.size()) {
            lines.add("… and " + (notReadyCount - notReady.size()) + " more pods not ready");
        }
        if (notReadyCount == 0 && !pods.isEmpty()) {
            lines.add("all " + pods.size() + " pods ready");
        }
        return new Facts(rollouts, notReady, lines);
    }

    /** The first maxPods pods that are not ready, each with why (waiting reason, restarts), also as lines. */
    private List<Map<String, Object>> notReady(List<Pod> pods, List<String> lines) {
        List<Map<String, Object>> notReady = new ArrayList<>();
        for (Pod p : pods) {
            if (Readiness.isPodReady(p)) {
                continue;
            }
            List<ContainerStatus> statuses = p.getStatus() == null || p.getStatus().getContainerStatuses() == null
                    ? List.of() : p.getStatus().getContainerStatuses();
            int restarts = statuses.stream().mapToInt(s -> n(s.getRestartCount())).sum();
            String waiting = statuses.stream()
                    .map(s -> s.getState() == null || s.getState().getWaiting() == null ? null
                            : s.getState().getWaiting().getReason())
                    .filter(Objects::nonNull).distinct().collect(Collectors.joining(","));
            String terminated = statuses.stream()
                    .map(s -> s.getLastState() == null || s.getLastState().getTerminated() == null ? null
                            : s.getLastState().getTerminated().getReason())
                    .filter(Objects::nonNull).distinct().collect(Collectors.joining(","));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pod", p.getMetadata().getName());
            m.put("phase", p.getStatus() == null ? null : p.getStatus().getPhase());
            m.put("restarts", restarts);
            m.put("waiting", waiting.isEmpty() ? null : waiting);
            m.put("lastTerminated", terminated.isEmpty() ? null : terminated);
            if (notReady.size() < maxPods) {
                notReady.add(m);
                lines.add("pod " + m.get("pod") + " not ready: " + (waiting.isEmpty() ? String.valueOf(m.get("phase")) : waiting)
                        + ", " + restarts + " restart" + (restarts == 1 ? "" : "s")
                        + (terminated.isEmpty() ? "" : ", last terminated " + terminated));
            }
        }
        return notReady;
    }


    /** 45s, 5m, 3h, 2d. */
    static String age(String timestamp, Instant now) {
        if (timestamp == null) {
            return "?";
        }
        try {
            Duration d = Duration.between(Instant.parse(timestamp), now);
            long s = Math.max(0, d.toSeconds());
            if (s < 120) {
                return s + "s";
            }
            if (s < 7200) {
                return s / 60 + "m";
            }
            if (s < 172_800) {
                return s / 3600 + "h";
            }
            return s / 86_400 + "d";
        } catch (DateTimeParseException e) {
            return "?";
        }
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
