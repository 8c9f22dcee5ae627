package dev.alerthub.ops;

import dev.alerthub.config.Props;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.plugin.DefaultJolokiaPlatformHttpPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;

/**
 * What Jolokia (JMX over HTTP on the management port, off unless
 * {@code camel.management.jolokia-enabled=true}) may do. Camel's Jolokia plugin takes its policy from
 * {@code classpath:/jolokia-access.xml}, which the jar ships read-only (read, list, search, version).
 * {@code alerthub.jolokia.read-only=false} binds the plugin under the name the management server
 * looks up first ("jolokia"), built while the context class loader (the first place Jolokia looks)
 * answers that name with the read-write policy instead.
 */
final class JolokiaAccess {
    private static final Logger LOG = LoggerFactory.getLogger(JolokiaAccess.class);
    private static final String POLICY = "jolokia-access.xml";
    private static final String READ_WRITE = "dev/alerthub/ops/jolokia-read-write.xml";

    private JolokiaAccess() {
    }

    static void configure(CamelContext context, Props p) {
        if (!p.getBoolean("camel.management.jolokia-enabled", false)) {
            return;
        }
        if (p.getBoolean("alerthub.jolokia.read-only", true)) {
            LOG.info("Jolokia: on, read-only (read, list, search; no write, no exec)");
            return;
        }
        LOG.warn("Jolokia: on with writes and operations (alerthub.jolokia.read-only=false): whoever reaches the "
                + "management port can stop routes and pause remediation");
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ClassLoader parent = previous != null ? previous : JolokiaAccess.class.getClassLoader();
        thread.setContextClassLoader(new ClassLoader(parent) {
            @Override
            public InputStream getResourceAsStream(String name) {
                String n = name.startsWith("/") ? name.substring(1) : name;
                return super.getResourceAsStream(n.equals(POLICY) ? READ_WRITE : name);
            }
        });
        try {
            context.getRegistry().bind("jolokia", new DefaultJolokiaPlatformHttpPlugin());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
