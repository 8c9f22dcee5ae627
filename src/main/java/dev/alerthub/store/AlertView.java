package dev.alerthub.store;

import dev.alerthub.alert.Alert;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The intake's memory of what the store holds, per fingerprint: enough to answer an unchanged re-send
 * (Alertmanager repeats every group) without a transaction. Bounded: resolved alerts are forgotten
 * after {@code resolvedFor}, any alert not seen for {@code idleFor}, and beyond {@code maxAlerts} the
 * least recently seen go first. Forgetting is always safe: a forgotten alert's next re-send is written
 * again, and the store's unique keys keep it from creating a second event.
 */
final class AlertView {
    /** One alert's stored state, as a hash, and when the intake last saw it. */
    private record Seen(long state, boolean firing, long seenAtMillis) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final int maxAlerts;
    private final long resolvedForMillis;
    private final long idleForMillis;

    AlertView(int maxAlerts, Duration resolvedFor, Duration idleFor) {
        this.maxAlerts = maxAlerts;
        this.resolvedForMillis = resolvedFor.toMillis();
        this.idleForMillis = idleFor.toMillis();
    }

    /** True when the store already holds exactly this; the re-send then keeps the entry fresh. */
    boolean unchanged(Alert a, long nowMillis) {
        Seen s = seen.get(a.fingerprint());
        if (s == null || s.state() != state(a)) {
            return false;
        }
        seen.put(a.fingerprint(), new Seen(s.state(), s.firing(), nowMillis));
        return true;
    }

    /** As {@link #unchanged(Alert, long)}, for a state computed earlier ({@link #state(Alert)}). */
    boolean unchanged(String fingerprint, long state, long nowMillis) {
        Seen s = seen.get(fingerprint);
        if (s == null || s.state() != state) {
            return false;
        }
        if (nowMillis - s.seenAtMillis() >= 1000) {
            // keep the entry fresh for the idle bound; a second's precision is plenty for hours
            seen.put(fingerprint, new Seen(s.state(), s.firing(), nowMillis));
        }
        return true;
    }

    void stored(Alert a, long nowMillis) {
        seen.put(a.fingerprint(), new Seen(state(a), a.isFiring(), nowMillis));
    }

    int size() {
        return seen.size();
    }

    void clear() {
        seen.clear();
    }

    /** Forgets what has expired, then the least recently seen beyond the bound (down to 90% of it). */
    void sweep(long nowMillis) {
        seen.entrySet().removeIf(e -> nowMillis - e.getValue().seenAtMillis()
                > (e.getValue().firing() ? idleForMillis : resolvedForMillis));
        if (seen.size() <= maxAlerts) {
            return;
        }
        // resolved first, then the oldest: one sort per 10% of the bound, not one per alert
        List<Map.Entry<String, Seen>> all = new ArrayList<>(seen.entrySet());
        all.sort(Comparator.comparing((Map.Entry<String, Seen> e) -> e.getValue().firing())
                .thenComparingLong(e -> e.getValue().seenAtMillis()));
        int excess = seen.size() - maxAlerts * 9 / 10;
        for (int i = 0; i < excess && i < all.size(); i++) {
            seen.remove(all.get(i).getKey(), all.get(i).getValue());
        }
    }

    boolean full() {
        return seen.size() > maxAlerts;
    }

    /** What makes a re-send "unchanged": same status, same occurrence, same text. */
    static long state(Alert a) {
        long h = a.status().ordinal();
        h = 31 * h + a.startsAt().hashCode();
        h = 31 * h + Objects.hashCode(a.endsAt());
        h = 31 * h + a.annotations().hashCode();
        h = 31 * h + Objects.hashCode(a.generatorURL());
        // labels decide the fingerprint, so they are the key, not part of the state
        return h;
    }
}
