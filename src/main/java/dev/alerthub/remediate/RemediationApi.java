package dev.alerthub.remediate;

import dev.alerthub.config.Durations;
import dev.alerthub.kube.KubernetesNames;
import dev.alerthub.store.InvalidRequestException;
import dev.alerthub.store.NotFoundException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The remediation part of /api: the audit (GET /api/actions), the kill switch
 * (POST /api/remediation/pause|resume), the state (GET /api/remediation) and the holds
 * (GET /api/remediation/holds, DELETE /api/remediation/holds/{namespace}/{deployment}). Each method
 * returns the answer's body; the route hands it to {@code responses} (admin), which writes the JSON.
 */
public class RemediationApi {
    private static final Logger LOG = LoggerFactory.getLogger(RemediationApi.class);

    private final RemediationAudit audit;
    private final RemediationHolds holds;
    private final RemediationControl control;
    private final RemediationSettings settings;

    public RemediationApi(RemediationAudit audit, RemediationHolds holds, RemediationControl control, RemediationSettings settings) {
        this.audit = audit;
        this.holds = holds;
        this.control = control;
        this.settings = settings;
    }

    /** GET /api/actions[?limit=N]: every decision, newest first. */
    public List<Map<String, Object>> actions(Exchange exchange) {
        String raw = exchange.getMessage().getHeader("limit", String.class);
        int limit = 1000;
        if (raw != null && !raw.isBlank()) {
            if (!raw.trim().matches("\\d{1,5}") || Integer.parseInt(raw.trim()) == 0) {
                throw new InvalidRequestException("limit: '" + raw + "' is not a number from 1 to 10000");
            }
            limit = Math.min(Integer.parseInt(raw.trim()), 10_000);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (RemediationAudit.Row r : audit.rows(limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("time", r.decidedAt() != null ? r.decidedAt() : r.requestedAt());
            m.put("fingerprint", r.fingerprint());
            m.put("alertname", r.alertname());
            m.put("action", r.action());
            m.put("namespace", r.namespace());
            m.put("deployment", r.deployment());
            m.put("outcome", r.outcome() == null ? "pending" : Outcome.ACTING.equals(r.outcome()) ? "acting" : r.outcome());
            m.put("detail", r.detail());
            m.put("fromRevision", r.fromRevision());
            m.put("toRevision", r.toRevision());
            // the names interface.md gives; kept beside the camelCase that matches /api/alerts
            m.put("from-revision", r.fromRevision());
            m.put("to-revision", r.toRevision());
            m.put("fromImage", r.fromImage());
            m.put("toImage", r.toImage());
            m.put("fromReplicas", r.fromReplicas());
            m.put("toReplicas", r.toReplicas());
            m.put("verification", r.verifyState());
            m.put("verificationDetail", r.verifyDetail());
            m.put("verifiedAt", r.verifiedAt());
            out.add(m);
        }
        return out;
    }

    public Map<String, Object> pause() {
        control.pause(true, "http");
        return state();
    }

    public Map<String, Object> resume() {
        control.pause(false, "http");
        return state();
    }

    /** GET /api/remediation: the switches and the limits in force. */
    public Map<String, Object> state() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("paused", control.isPaused());
        m.put("dryRun", control.isDryRun());
        m.put("namespaces", settings.namespaces().stream().sorted().toList());
        m.put("cooldown", Durations.format(settings.cooldown()));
        m.put("maxPerHour", settings.maxPerHour());
        m.put("actionsLastHour", audit.countedLastHour());
        m.put("holds", holds.holdCount());
        return m;
    }

    public List<Map<String, Object>> holds() {
        return holds.holds();
    }

    /** DELETE /api/remediation/holds/{namespace}/{deployment}. */
    public Map<String, Object> release(Exchange exchange) {
        String ns = exchange.getMessage().getHeader("namespace", String.class);
        String name = exchange.getMessage().getHeader("deployment", String.class);
        if (!KubernetesNames.isNamespace(ns)) {
            throw new InvalidRequestException("namespace " + KubernetesNames.quote(ns) + " is not a Kubernetes namespace name");
        }
        if (!KubernetesNames.isDeploymentName(name)) {
            throw new InvalidRequestException("deployment " + KubernetesNames.quote(name) + " is not a Kubernetes name");
        }
        if (!holds.release(ns, name)) {
            throw new NotFoundException("no hold on " + ns + "/" + name);
        }
        LOG.warn("Hold on {}/{} released over HTTP", ns, name);
        return Map.of("namespace", ns, "deployment", name, "released", true);
    }
}
