package dev.alerthub.notify;

import dev.alerthub.alert.Alert;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a template can say about an alert: {@code {{alertname}}}, {@code {{labels.namespace}}},
 * {@code {{annotations.summary}}}, {@code {{#firing}}...{{/firing}}}, {@code {{value}}},
 * {@code {{#diagnosis}}{{.}}{{/diagnosis}}}, {@code {{links.alert}}}, ... (the full list is in
 * docs/lifecycle.md#templates).
 */
public final class TemplateScope {
    private TemplateScope() {
    }

    public static Map<String, Object> alert(Alert a) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("fingerprint", a.fingerprint());
        s.put("status", a.status().wire());
        s.put("firing", a.isFiring());
        s.put("resolved", !a.isFiring());
        s.put("STATUS", a.isFiring() ? "FIRING" : "RESOLVED");
        s.put("alertname", a.alertname());
        s.put("severity", a.severity().wire());
        s.put("summary", a.summary());
        s.put("description", a.annotation("description"));
        s.put("target", a.target());
        s.put("labels", a.labels());
        s.put("annotations", a.annotations());
        s.put("startsAt", a.startsAt().toString());
        s.put("endsAt", a.endsAt() == null ? null : a.endsAt().toString());
        s.put("generatorURL", a.generatorURL());
        s.put("runbookURL", a.annotation("runbook_url"));
        s.put("source", a.source());
        s.put("value", a.annotation("value"));
        return s;
    }

    /**
     * {@link #alert} plus what a sink knows at send time: the diagnosis lines (rollout history, pods
     * not ready, the expression's value) as {@code diagnosis}, and {@code links.runbook},
     * {@code links.source} and {@code links.alert} (the hub's own page for the alert).
     */
    public static Map<String, Object> delivery(Alert a, Map<String, Object> diagnosis, String alertsUrl) {
        Map<String, Object> s = alert(a);
        s.put("diagnosis", diagnosis != null && diagnosis.get("summary") instanceof List<?> lines ? lines : List.of());
        Map<String, String> links = new LinkedHashMap<>();
        links.put("runbook", a.annotation("runbook_url"));
        links.put("source", a.generatorURL());
        links.put("alert", alertsUrl == null || alertsUrl.isEmpty() ? null : alertsUrl + "/" + a.fingerprint());
        s.put("links", links);
        return s;
    }
}
