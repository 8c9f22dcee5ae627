package dev.alerthub.probe;

import java.util.List;

/**
 * Every probe the probe files define, enabled or not, as the start-up check of the route files found
 * them (OperationsConfiguration binds it, as {@link #BEAN}, before ProbeConfiguration runs). The probe
 * list shows the disabled ones from here: their routes are never created, so the registry never sees them.
 */
public record DeclaredProbes(List<ProbeSpec> all) {
    public static final String BEAN = "declaredProbes";

    public DeclaredProbes {
        all = List.copyOf(all);
    }

    public List<ProbeSpec> disabled() {
        return all.stream().filter(s -> !s.enabled()).toList();
    }
}
