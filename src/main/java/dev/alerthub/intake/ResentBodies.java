package dev.alerthub.intake;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.alerthub.metrics.Metrics;
import dev.alerthub.store.AlertStore;
import org.apache.camel.Exchange;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Answers an unchanged re-send from memory. Alertmanager re-sends every group each
 * {@code group_interval}, byte for byte the same while nothing changed; such a body was parsed,
 * validated and stored before, so parsing it again can only give the same alerts. The cache maps the
 * SHA-256 of a body that was stored (after commit, never before) to what it held; a hit is answered
 * with the same {@code accepted} count when the store's view says every one of its alerts is still
 * stored exactly so, and takes the full path otherwise. It is consulted after the token, size and
 * content-type checks ({@link WebhookGuard}), so a cached body with a wrong token is still 401; a body
 * that failed, or changed in any byte, takes the full path. Bounded by
 * {@code alerthub.webhook.resent-bodies} entries (least recently used go first; 0 turns it off).
 * Requests answered so are counted as {@code alerthub_webhook_resent_total}.
 */
public class ResentBodies {
    /** Exchange property: true when the request was answered from this cache. */
    public static final String RESENT = "alerthub.resent";
    private static final String DIGEST = "alerthub.bodyDigest";

    private record Entry(int accepted, AlertStore.Snapshot snapshot) {
    }

    private final AlertStore store;
    private final Metrics metrics;
    private final Cache<ByteBuffer, Entry> bodies;
    private final boolean enabled;

    public ResentBodies(AlertStore store, int maxEntries, Metrics metrics) {
        this.store = store;
        this.metrics = metrics;
        this.enabled = maxEntries > 0;
        this.bodies = Caffeine.newBuilder().maximumSize(Math.max(0, maxEntries)).build();
    }

    /**
     * Body: the raw request (already past {@link WebhookGuard}). On a hit leaves
     * {@link AlertStore.Accepted} as body and property {@link #RESENT} true; otherwise changes nothing
     * but remembers the body's digest for {@link #store}.
     */
    public void answer(Exchange exchange) {
        if (!enabled) {
            return;
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null) {
            return;
        }
        ByteBuffer digest = ByteBuffer.wrap(sha256(body));
        Entry e = bodies.getIfPresent(digest);
        if (e != null && store.resentUnchanged(e.snapshot())) {
            exchange.getMessage().setBody(new AlertStore.Accepted(e.accepted(), List.of()));
            exchange.setProperty(RESENT, true);
            metrics.count("alerthub.webhook.resent", "source", AlertmanagerIntake.SOURCE);
            return;
        }
        exchange.setProperty(DIGEST, digest);
    }

    /**
     * Body: the parsed {@link AlertmanagerIntake.Batch}. Stores its alerts (returns after commit, see
     * {@link AlertStore#accept}), then remembers the body for its re-sends; leaves
     * {@link AlertStore.Accepted} as body.
     */
    public void store(Exchange exchange) {
        AlertmanagerIntake.Batch batch = exchange.getMessage().getBody(AlertmanagerIntake.Batch.class);
        AlertStore.Accepted accepted = store.accept(batch.alerts());
        ByteBuffer digest = exchange.getProperty(DIGEST, ByteBuffer.class);
        // a truncated group is not remembered: its warning is logged again on each re-send
        if (digest != null && batch.truncatedAlerts() == 0) {
            bodies.put(digest, new Entry(accepted.accepted(), store.snapshot(batch.alerts())));
        }
        exchange.getMessage().setBody(accepted);
    }

    /** Bodies remembered now. */
    public long size() {
        bodies.cleanUp();
        return bodies.estimatedSize();
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
