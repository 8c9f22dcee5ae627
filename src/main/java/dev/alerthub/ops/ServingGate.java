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

    private volatile boolean started;

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

    @Override
    public void handle(RoutingContext ctx) {
        if (isOpen()) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(503)
                .putHeader("Retry-After", RETRY_AFTER_SECONDS)
                .putHeader("Content-Type", "application/json")
                .end(STARTING);
    }
}
