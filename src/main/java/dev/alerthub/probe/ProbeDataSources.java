package dev.alerthub.probe;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.util.URISupport;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The named DataSources SQL probes query: {@code alerthub.datasources.<name>.url}, {@code .username},
 * {@code .password} (from the environment: ALERTHUB_DATASOURCES_<NAME>_PASSWORD), {@code .pool-size}.
 * Each is a small HikariCP pool of read-only connections, created when the first probe names it and
 * bound as {@code probe-datasource-<name>} for camel-jdbc.
 * <p>
 * Read-only is enforced by the database where it can be: PostgreSQL and MariaDB/MySQL sessions are
 * set {@code READ ONLY}, so a probe's SQL cannot change data even by mistake. H2 treats read-only as
 * a hint; point H2 probes at a read-only URL ({@code ;ACCESS_MODE_DATA=r}) if that matters.
 */
public class ProbeDataSources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeDataSources.class);

    private final Function<String, Optional<String>> properties;
    private final Registry registry;
    private final Duration timeout;
    private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();

    public ProbeDataSources(Function<String, Optional<String>> properties, Registry registry, Duration timeout) {
        this.properties = properties;
        this.registry = registry;
        this.timeout = timeout;
    }

    public static String beanName(String name) {
        return "probe-datasource-" + name;
    }

    /** The pool for this name, created on first use; fails naming the property when it is not configured. */
    public synchronized HikariDataSource require(String name) {
        HikariDataSource existing = pools.get(name);
        if (existing != null) {
            return existing;
        }
        String prefix = "alerthub.datasources." + name + ".";
        String url = setting(prefix + "url");
        if (url == null) {
            throw new InvalidProbeException("datasource", "'" + name + "' is not configured: set " + prefix
                    + "url (and " + prefix + "username, " + prefix + "password)");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("probe-" + name);
        config.setJdbcUrl(url);
        Optional.ofNullable(setting(prefix + "username")).ifPresent(config::setUsername);
        Optional.ofNullable(setting(prefix + "password")).ifPresent(config::setPassword);
        config.setMaximumPoolSize(Integer.parseInt(Optional.ofNullable(setting(prefix + "pool-size")).orElse("2")));
        config.setMinimumIdle(0);
        config.setReadOnly(true);
        String init = readOnlySession(url);
        if (init != null) {
            config.setConnectionInitSql(init);
        }
        config.setConnectionTimeout(Math.max(250, timeout.toMillis()));
        config.setValidationTimeout(Math.max(250, Math.min(timeout.toMillis(), 5000)));
        // a database that is down at start-up makes its probes fail (ProbeFailing), not the hub
        config.setInitializationFailTimeout(-1);
        HikariDataSource ds = new HikariDataSource(config);
        pools.put(name, ds);
        registry.bind(beanName(name), ds);
        LOG.info("Probe datasource {}: {} (read-only, pool {})", name, URISupport.sanitizeUri(url), config.getMaximumPoolSize());
        return ds;
    }

    static String readOnlySession(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";
        }
        if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
            return "SET SESSION TRANSACTION READ ONLY";
        }
        return null;
    }

    private String setting(String key) {
        return properties.apply(key).map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
    }

    @Override
    public void close() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
