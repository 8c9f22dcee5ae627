package dev.alerthub.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.Service;
import org.apache.camel.component.platform.http.main.DefaultMainHttpServerFactory;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.main.HttpManagementServerConfigurationProperties;
import org.apache.camel.main.HttpServerConfigurationProperties;
import org.apache.camel.main.MainHttpServerFactory;
import org.apache.camel.support.service.ServiceHelper;

/**
 * camel-main's business HTTP server ({@code camel.server.*}), configured exactly as Camel's own
 * factory does, with the {@link ServingGate} as the router's first handler before the port
 * listens. camel-main uses a {@link MainHttpServerFactory} found in the registry. (Added after
 * listening, as a route would be, it would leave the very window it closes.)
 */
public final class GatedHttpServerFactory implements MainHttpServerFactory {
    private final DefaultMainHttpServerFactory camel = new DefaultMainHttpServerFactory();
    private final ServingGate gate;

    public GatedHttpServerFactory(ServingGate gate) {
        this.gate = gate;
    }

    @Override
    public Service newHttpServer(CamelContext context, HttpServerConfigurationProperties properties) {
        MainHttpServer configured = (MainHttpServer) camel.newHttpServer(context, properties);
        GatedMainHttpServer server = new GatedMainHttpServer(gate);
        server.setCamelContext(context);
        server.setConfiguration(configured.getConfiguration());
        server.setStaticEnabled(configured.isStaticEnabled());
        server.setStaticContextPath(configured.getStaticContextPath());
        server.setStaticSourceDir(configured.getStaticSourceDir());
        return server;
    }

    @Override
    public Service newHttpManagementServer(CamelContext context, HttpManagementServerConfigurationProperties properties) {
        return camel.newHttpManagementServer(context, properties);
    }

    /** Camel's MainHttpServer whose Vert.x server installs the gate between building its router and listening. */
    private static final class GatedMainHttpServer extends MainHttpServer {
        private final ServingGate gate;
        private VertxPlatformHttpServer server;

        GatedMainHttpServer(ServingGate gate) {
            this.gate = gate;
        }

        @Override
        protected void doInit() throws Exception {
            // what MainHttpServer.doInit does, with a server that installs the gate
            getConfiguration().setServerType(VertxPlatformHttpRouter.SERVER_TYPE_SERVER);
            CamelContext context = getCamelContext();
            server = new GatedVertxServer(getConfiguration(), gate);
            context.addService(server);
        }

        @Override
        protected void doStart() throws Exception {
            // MainHttpServer.doStart starts its own (here unused) server field first; start ours
            ServiceHelper.startService(server);
            super.doStart();
        }
    }

    /**
     * Vert.x server that puts the gate first on its router, then listens. (A named class: Camel
     * names the server's thread pool after it.)
     */
    private static final class GatedVertxServer extends VertxPlatformHttpServer {
        private final ServingGate gate;

        GatedVertxServer(VertxPlatformHttpServerConfiguration configuration, ServingGate gate) {
            super(configuration);
            this.gate = gate;
        }

        @Override
        protected void startServer() throws Exception {
            VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(getCamelContext(),
                    VertxPlatformHttpRouter.getRouterNameFromPort(getConfigurationPort()));
            router.route().order(Integer.MIN_VALUE).handler(gate);
            router.route().order(Integer.MAX_VALUE).handler(gate::lastResort);
            router.errorHandler(500, gate::failed);
            super.startServer();
        }
    }
}
