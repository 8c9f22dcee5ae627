package dev.alerthub.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GET /api/probes: every probe, its last evaluation, and its pending and firing instances (pending
 * instances are never sent anywhere, so this is the place to see a {@code for} running). Disabled
 * probes (as found in the probe files at start-up) are listed with {@code enabled: false}. The route
 * hands the list to {@code responses} (admin), which writes the JSON.
 */
public class ProbesApi {
    private final ProbeRegistry probes;
    private final ProbeStates states;
    private final ProbeStatusBoard board;
    private final List<ProbeSpec> disabled;

    public ProbesApi(ProbeRegistry probes, ProbeStates states, ProbeStatusBoard board, List<ProbeSpec> disabled) {
        this.probes = probes;
        this.states = states;
        this.board = board;
        this.disabled = List.copyOf(disabled);
    }

    public List<Map<String, Object>> list() {
        Map<String, List<InstanceState>> instances = states.all();
        List<Map<String, Object>> out = new ArrayList<>();
        List<ProbeSpec> all = new ArrayList<>(probes.all());
        disabled.stream().filter(d -> probes.routeId(d.id()) == null).forEach(all::add);
        all.sort(java.util.Comparator.comparing(ProbeSpec::id));
        for (ProbeSpec spec : all) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("id", spec.id());
            p.put("kind", ProbeDispatcher.kind(spec));
            p.put("enabled", probes.routeId(spec.id()) != null);
            p.put("schedule", spec.schedule().describe());
            p.put("alertname", spec.alertname());
            p.put("severity", spec.severity().wire());
            p.put("condition", spec.condition());
            p.put("noData", spec.noData().wire());
            if (spec.action() != null) {
                p.put("action", spec.action());
            }
            ProbeStatusBoard.Status status = board.get(spec.id());
            p.put("lastEvaluatedAt", status == null ? null : status.lastEvaluatedAt());
            p.put("failingSince", status == null ? null : status.failingSince());
            p.put("lastError", status == null ? null : status.lastError());
            List<Map<String, Object>> list = new ArrayList<>();
            for (InstanceState s : instances.getOrDefault(spec.id(), List.of())) {
                Map<String, Object> i = new LinkedHashMap<>();
                i.put("fingerprint", s.fingerprint());
                i.put("state", s.state().name().toLowerCase());
                i.put("activeAt", s.activeAt());
                i.put("firedAt", s.firedAt());
                i.put("value", Values.plain(s.value()));
                i.put("labels", s.labels());
                list.add(i);
            }
            p.put("instances", list);
            out.add(p);
        }
        return out;
    }
}
