package dev.alerthub.diagnose;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import dev.alerthub.support.KubeMock;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

class DiagnosisTest {
    static KubeMock kube;
    static ExecutorService pool;

    @BeforeAll
    static void start() {
        kube = KubeMock.start();
        pool = Executors.newFixedThreadPool(2);
        Deployment d = kube.deployment("shop", "checkout", "app:3", 3, true);
        kube.replicaSet(d, 1, "app:1", Map.of());
        kube.replicaSet(d, 2, "app:2", Map.of());
        kube.replicaSet(d, 3, "app:3", Map.of());
        kube.crashLoopingPod("shop", "checkout", "checkout-abc", 4);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
        kube.close();
    }

    static Alert critical(String ns, String deployment, Map<String, String> annotations) {
        return Alert.of(AlertStatus.FIRING, Map.of("alertname", "HighErrorRate", "severity", "critical",
                "namespace", ns, "deployment", deployment), annotations, Instant.now(), null, null, "probe:error-rate");
    }

    Diagnosis diagnosis(KubernetesClient client, Duration timeout) {
        return new Diagnosis(client, pool, timeout, ns -> ns.equals("shop"), 5, 10, Clock.systemUTC());
    }

    @Test
    void rolloutHistoryPodsNotReadyAndTheValueAreGathered() {
        Map<String, Object> d = diagnosis(kube.client(), Duration.ofSeconds(5))
                .collect(critical("shop", "checkout", Map.of("value", "0.127", "expr", "job:errors:ratio5m > 0.05")));

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rollouts = (List<Map<String, Object>>) d.get("rollouts");
        assertThat(rollouts).extracting(r -> r.get("revision")).containsExactly(3L, 2L, 1L);
        assertThat(rollouts).extracting(r -> r.get("image")).containsExactly("app:3", "app:2", "app:1");
        assertThat(rollouts.get(0).get("current")).isEqualTo(true);
        assertThat(rollouts.get(1).get("current")).isEqualTo(false);
        assertThat((String) rollouts.get(0).get("age")).matches("\\d+s");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> pods = (List<Map<String, Object>>) d.get("podsNotReady");
        assertThat(pods).hasSize(1);
        assertThat(pods.get(0)).containsEntry("pod", "checkout-abc").containsEntry("restarts", 4)
                .containsEntry("waiting", "CrashLoopBackOff").containsEntry("lastTerminated", "Error");
        assertThat(d).containsEntry("value", "0.127").containsEntry("expr", "job:errors:ratio5m > 0.05");
        @SuppressWarnings("unchecked")
        List<String> summary = (List<String>) d.get("summary");
        assertThat(summary.get(0)).matches("rev 3 app:3 rolled out \\d+s ago \\(current, 0/0 ready\\)");
        assertThat(summary).contains("pod checkout-abc not ready: CrashLoopBackOff, 4 restarts, last terminated Error",
                "Current value: 0.127 of job:errors:ratio5m > 0.05");
    }

    @Test
    void anUnansweringApiCostsTheTimeoutAndANoteNeverThePage() throws Exception {
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                while (!blackHole.isClosed()) {
                    try {
                        held.add(blackHole.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + blackHole.getLocalPort())
                    .withRequestTimeout(30_000).withRequestRetryBackoffLimit(0).build();
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
                long start = System.nanoTime();
                Map<String, Object> d = diagnosis(client, Duration.ofMillis(300))
                        .collect(critical("shop", "checkout", Map.of("value", "42")));
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                assertThat(took).isLessThan(Duration.ofSeconds(2));
                assertThat(d).containsEntry("value", "42").doesNotContainKey("rollouts");
                assertThat(d.get("notes")).isEqualTo(List.of("Kubernetes API did not answer within 300 ms"));
            }
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void namespacesOutsideTheReadableOnesAndBadNamesAreNotLookedUp() {
        int before = kube.server().getRequestCount();
        Map<String, Object> other = diagnosis(kube.client(), Duration.ofSeconds(5)).collect(critical("billing", "api", Map.of()));
        Map<String, Object> bad = diagnosis(kube.client(), Duration.ofSeconds(5)).collect(critical("shop", "../x", Map.of()));
        assertThat(other).isEmpty();
        assertThat(bad.get("notes")).isEqualTo(List.of("namespace/deployment labels are not Kubernetes names; not looked up"));
        assertThat(kube.server().getRequestCount()).isEqualTo(before);
    }

    @Test
    void onlyFiringCriticalAlertsAreDiagnosed() {
        Diagnosis diagnosis = diagnosis(kube.client(), Duration.ofSeconds(5));
        Exchange warning = new DefaultExchange(new DefaultCamelContext());
        warning.getMessage().setBody(Alert.of(AlertStatus.FIRING, Map.of("alertname", "X", "severity", "warning",
                "namespace", "shop", "deployment", "checkout"), Map.of("value", "1"), Instant.now(), null, null, "test"));
        diagnosis.attach(warning);
        assertThat(warning.getProperty(Diagnosis.PROPERTY)).isNull();

        Exchange critical = new DefaultExchange(new DefaultCamelContext());
        critical.getMessage().setBody(critical("shop", "checkout", Map.of()));
        diagnosis.attach(critical);
        assertThat(critical.getProperty(Diagnosis.PROPERTY, Map.class)).containsKeys("rollouts", "podsNotReady", "summary");
    }
}
