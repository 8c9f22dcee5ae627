package dev.alerthub.ops;

import dev.alerthub.config.Props;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.kubernetes.KubernetesConfiguration;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Who runs the leader-only work (routes whose consumer is {@code master:alerthub:...}): a Kubernetes
 * Lease when the hub runs in a pod, a file lock in a folder shared by the hub processes otherwise.
 * Every hub joins the election at start-up, so {@code alerthub_cluster_leader} tells which replica
 * leads even before a leader-only route exists.
 */
public final class LeaderElection {
    /** The cluster namespace every leader-only route uses: {@code master:alerthub:<endpoint>}. */
    public static final String NAMESPACE = "alerthub";
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    private final CamelClusterService service;
    private final String kind;
    private volatile CamelClusterView view;

    private LeaderElection(CamelClusterService service, String kind) {
        this.service = service;
        this.kind = kind;
    }

    /** The configured election, or null when {@code alerthub.cluster.enabled=false}. */
    public static LeaderElection configure(CamelContext context, Props p, String defaultLockDir) throws Exception {
        if (!p.getBoolean("alerthub.cluster.enabled", true)) {
            return null;
        }
        String kind = p.get("alerthub.cluster.service", "auto");
        if (kind.equals("auto")) {
            kind = System.getenv("KUBERNETES_SERVICE_HOST") != null ? "kubernetes" : "file";
        }
        // in Kubernetes the member id must be the pod's name: the Lease holder is checked against the pods
        String member = p.get("alerthub.cluster.member", kind.equals("kubernetes") ? podName() : defaultMember());
        CamelClusterService service = switch (kind) {
            case "kubernetes" -> kubernetes(p, member);
            case "file" -> file(p, defaultLockDir);
            default -> throw new IllegalArgumentException("alerthub.cluster.service: '" + kind
                    + "' is not one of auto, kubernetes, file");
        };
        service.setId(member);
        // a context service (not a bean), so the master component finds exactly this one
        context.addService(service, true, true);
        LeaderElection election = new LeaderElection(service, kind);
        context.addStartupListener(new org.apache.camel.StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) throws Exception {
                election.join();
            }
        });
        return election;
    }

    private static CamelClusterService kubernetes(Props p, String member) {
        // with the no-argument constructor Camel 4.18 ignores masterUrl and namespace (doInit skips them)
        KubernetesClusterService k = new KubernetesClusterService(new KubernetesConfiguration());
        k.setLeaseResourceType(LeaseResourceType.Lease);
        k.setKubernetesResourceName(p.get("alerthub.cluster.lease-name", "alerthub"));
        k.setPodName(member);
        String ns = p.get("alerthub.cluster.kubernetes-namespace", podNamespace());
        if (!ns.isEmpty()) {
            k.setKubernetesNamespace(ns);
            k.setKubernetesResourcesNamespace(ns);
        }
        String master = p.get("alerthub.kubernetes.master-url");
        if (!master.isEmpty()) {
            k.setMasterUrl(master);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String pair : p.get("alerthub.cluster.pod-labels", "app.kubernetes.io/name=alerthub").split(",")) {
            String[] kv = pair.trim().split("=", 2);
            if (kv.length == 2) {
                labels.put(kv[0].trim(), kv[1].trim());
            }
        }
        k.setClusterLabels(labels);
        return k;
    }

    private static CamelClusterService file(Props p, String defaultLockDir) throws IOException {
        Path dir = Path.of(p.get("alerthub.cluster.lock-dir", defaultLockDir)).toAbsolutePath().normalize();
        Files.createDirectories(dir);
        FileLockClusterService f = new FileLockClusterService();
        f.setRoot(dir.toString());
        // a dead leader's lock is taken over after about interval x multiplier (6 s)
        f.setAcquireLockDelay(1, TimeUnit.SECONDS);
        f.setAcquireLockInterval(2, TimeUnit.SECONDS);
        f.setHeartbeatTimeoutMultiplier(3);
        return f;
    }

    private void join() throws Exception {
        view = service.getView(NAMESPACE);
        view.addEventListener((CamelClusterEventListener.Leadership) (v, leader) ->
                LOG.info("Leader election ({}): {} ", kind, v.getLocalMember().isLeader()
                        ? "this hub (" + service.getId() + ") is the leader and runs the leader-only routes"
                        : "following " + (leader == null ? "(no leader yet)" : leader.getId())));
        LOG.info("Leader election: {} (member {}); leader-only routes use master:{}:<endpoint>",
                description(), service.getId(), NAMESPACE);
    }

    public boolean isLeader() {
        CamelClusterView v = view;
        return v != null && v.getLocalMember().isLeader();
    }

    public String kind() {
        return kind;
    }

    private String description() {
        if (service instanceof FileLockClusterService f) {
            return "file lock in " + f.getRoot();
        }
        if (service instanceof KubernetesClusterService k) {
            return "Kubernetes Lease " + k.getKubernetesResourceName() + " in namespace "
                    + (k.getKubernetesNamespace() == null ? "(the pod's)" : k.getKubernetesNamespace());
        }
        return kind;
    }

    private static String podName() {
        String pod = System.getenv("POD_NAME");
        return pod != null && !pod.isBlank() ? pod : System.getenv().getOrDefault("HOSTNAME", defaultMember());
    }

    private static String defaultMember() {
        try {
            return InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        } catch (IOException e) {
            return "alerthub-" + ProcessHandle.current().pid();
        }
    }

    private static String podNamespace() {
        String env = System.getenv("POD_NAMESPACE");
        if (env != null && !env.isBlank()) {
            return env;
        }
        Path sa = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
        try {
            return Files.isReadable(sa) ? Files.readString(sa).trim() : "";
        } catch (IOException e) {
            return "";
        }
    }
}
