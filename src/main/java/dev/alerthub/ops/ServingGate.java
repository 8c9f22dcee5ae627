package dev.alerthub.ops;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler on the business port: until the hub is ready, every request is answered {@code 503} with {@code Retry-After} and a JSON message. Vert.x
 * listens before Camel has registered the HTTP routes, and a request in between would otherwise get
 * Vert.x's 404, which Alertmanager does not retry (a lost notification); a 503 it retries.
 */
public final class ServingGate implements Handler<RoutingContext> {
    public static final String BEAN = "servingGate";
    static final String RETRY_AFTER_SECONDS = "5";
    private static final String STARTING = "{\"status\":503,\"error\":\"Service Unavailable\","
            + "\"message\":\"alerthub is starting; nothing was stored, retry later\"}";

    private static final String RELOADING = "{\"status\":503,\"error\":\"Service Unavailable\","
            + "\"message\":\"alerthub is reloading its routes; nothing was stored, retry later\"}";

    private volatile boolean started;
    private final java.util.concurrent.atomic.AtomicInteger reloads = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Binds a gate and the HTTP server factory that installs it into camel-main, which looks the
     * factory up in its registry when it builds the server: before any CamelConfiguration runs.
     */
    public static ServingGate bindInto(org.apache.camel.main.Main main) {
        ServingGate gate = new ServingGate();
        main.bind(BEAN, gate);
        main.bind("gatedHttpServerFactory", new GatedHttpServerFactory(gate));
        return gate;
    }

    /** The hub is ready: requests reach the routes from now on. */
    public void open() {
        started = true;
    }

    public boolean isOpen() {
        return started;
    }

    /**
     * A reload replaces routes one by one, and for a moment a replaced HTTP route is not on the router:
     * a request then would get Vert.x's 404. While a reload runs, {@link #lastResort} answers 503 instead.
     */
    public void reloading(boolean running) {
        if (running) {
            reloads.incrementAndGet();
        } else {
            reloads.decrementAndGet();
        }
    }

    /** The router's last handler (no route matched): 503 while starting or reloading, else on to Vert.x's 404. */
    public void lastResort(RoutingContext ctx) {
        if (started && reloads.get() == 0) {
            ctx.next();
            return;
        }
        answer503(ctx, started ? RELOADING : STARTING);
    }

    /**
     * A request whose HTTP route failed inside Vert.x (its consumer stopping while a reload replaces it):
     * 503 while starting or reloading, since a 5xx other than 503 looks final to a reader; else a plain 500.
     */
    public void failed(RoutingContext ctx) {
        if (ctx.response().ended()) {
            return;
        }
        if (!started || reloads.get() > 0) {
            answer503(ctx, started ? RELOADING : STARTING);
        } else {
            ctx.response().setStatusCode(500).end();
        }
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (isOpen()) {
            // any 503 (Camel answers one itself for a route a reload has suspended) tells Alertmanager
            // when to retry, like the gate's own
            ctx.addHeadersEndHandler(v -> {
                if (ctx.response().getStatusCode() == 503 && ctx.response().headers().get("Retry-After") == null) {
                    ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
                }
            });
            ctx.next();
            return;
        }
        answer503(ctx, STARTING);
    }

    private static void answer503(RoutingContext ctx, String body) {
        ctx.response().setStatusCode(503)
                .putHeader("Retry-After", RETRY_AFTER_SECONDS)
                .putHeader("Content-Type", "application/json")
                .end(body);
    }
}
