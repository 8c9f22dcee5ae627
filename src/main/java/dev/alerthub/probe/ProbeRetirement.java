package dev.alerthub.probe;

import dev.alerthub.alert.Alert;
import dev.alerthub.alert.AlertStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A probe that was removed, renamed or switched off leaves instances in the store that nothing
 * evaluates any more; their alerts would fire for ever. This resolves the firing ones (once, through
 * the same store and router) and forgets them all. Leader-only, like evaluation.
 */
public class ProbeRetirement {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeRetirement.class);

    private final ProbeRegistry probes;
    private final ProbeStates states;
    private final ProbeGate gate;
    private final Clock clock;

    public ProbeRetirement(ProbeRegistry probes, ProbeStates states, ProbeGate gate, Clock clock) {
        this.probes = probes;
        this.states = states;
        this.gate = gate;
        this.clock = clock;
    }

    /** Instances of gone probes found by the last sweep, forgotten once their resolves are stored. */
    private Map<String, List<String>> retiring = Map.of();

    /** The resolved alerts of the retired probes' firing instances (for AlertStore.accept); empty if none. */
    public synchronized List<Alert> sweep() {
        retiring = Map.of();
        if (!gate.isOpen()) {
            return List.of();
        }
        Set<String> running = probes.all().stream().map(ProbeSpec::id).collect(Collectors.toSet());
        Instant now = clock.instant();
        List<Alert> resolved = new ArrayList<>();
        Map<String, List<String>> gone = new TreeMap<>();
        for (Map.Entry<String, List<InstanceState>> e : states.all().entrySet()) {
            String probeId = e.getKey();
            if (running.contains(probeId)) {
                continue;
            }
            for (InstanceState s : e.getValue()) {
                if (s.isFiring()) {
                    Map<String, String> annotations = new TreeMap<>(s.annotations());
                    annotations.put("resolved_because", "probe " + probeId + " no longer exists or is switched off");
                    resolved.add(new Alert(s.fingerprint(), AlertStatus.RESOLVED, null, null, s.labels(), annotations,
                            s.firedAt() != null ? s.firedAt() : s.activeAt(), now, null, "probe:" + probeId));
                }
            }
            gone.put(probeId, e.getValue().stream().map(InstanceState::fingerprint).toList());
            LOG.info("Probe {} is gone: resolving {} firing and forgetting {} instance(s)", probeId,
                    e.getValue().stream().filter(InstanceState::isFiring).count(), e.getValue().size());
        }
        retiring = gone;
        return resolved;
    }

    /** After the resolved alerts are stored: forget the instances the sweep found. */
    public synchronized void forgetRetired() {
        retiring.forEach(states::forget);
        retiring = Map.of();
    }
}
