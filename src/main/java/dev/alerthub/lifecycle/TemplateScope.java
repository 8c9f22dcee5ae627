package dev.alerthub.lifecycle;

import dev.alerthub.alert.Alert;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a template can say about an alert: {@code {{alertname}}}, {@code {{labels.namespace}}},
 * {@code {{annotations.summary}}}, {@code {{#firing}}...{{/firing}}}, ... The map is the caller's to
 * extend (a sink adds {@code value}, {@code diagnosis}, {@code group} counts and {@code links}).
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
        return s;
    }
}
