package dev.alerthub;

import dev.alerthub.config.Props;
import dev.alerthub.config.MountedFolder;
import dev.alerthub.ops.OperationsConfiguration;
import dev.alerthub.ops.validate.ValidateCommand;
import org.apache.camel.main.Main;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code java -jar alerthub.jar [run]} starts the hub from {@code config/application.properties} and
 * {@code routes/**\/*.camel.yaml} (directories set by {@code alerthub.config-dir} and
 * {@code alerthub.routes-dir}, as system properties or ALERTHUB_CONFIG_DIR / ALERTHUB_ROUTES_DIR).
 */
public final class AlerthubMain {
    public static final String DEFAULTS = "classpath:alerthub-defaults.properties";
    private static final String ROUTE_FILE_SUFFIX = ".camel.yaml";

    private AlerthubMain() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "run" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "run" -> {
                Main main = create(Map.of());
                main.run(rest);
                System.exit(main.getExitCode());
            }
            case "validate" -> System.exit(validate(rest, Map.of(), System.out, System.err));
            case "-h", "--help", "help" -> usage(0);
            default -> {
                System.err.println("alerthub: unknown command '" + command + "'");
                usage(2);
            }
        }
    }

    /**
     * {@code alerthub validate}: the route files checked against the hub's beans and properties,
     * built as {@code run} builds them but without the routes.
     */
    public static int validate(String[] args, Map<String, String> overrides, PrintStream out, PrintStream err) {
        return ValidateCommand.run(args, overrides, settings -> create(settings, false), out, err);
    }

    private static void usage(int code) {
        System.err.println("""
                usage: java -jar alerthub.jar [run | validate [FILE_OR_DIR...]]
                  run        start the hub (default)
                  validate   check route files (default: the routes and config folders) without starting
                             anything; prints file:line: message per problem, exit status 1 if any
                settings: -Dalerthub.config-dir=DIR (default config), -Dalerthub.routes-dir=DIR (default routes),
                          any property as -Dname=value or environment variable (ALERTHUB_SLACK_WEBHOOK_URL=...)""");
        System.exit(code);
    }

    /**
     * A configured, not yet started camel-main. Overrides win over every other source (tests use
     * them for ports and stores).
     */
    public static Main create(Map<String, String> overrides) {
        return create(overrides, true);
    }

    /** With {@code withRoutes} false: the hub's beans and properties without its routes (for validate). */
    public static Main create(Map<String, String> overrides, boolean withRoutes) {
        Map<String, String> all = new LinkedHashMap<>();
        // camel-main ignores *_PORT environment variables for camel.* options; honour them here.
        env("CAMEL_SERVER_PORT").ifPresent(v -> all.put("camel.server.port", v));
        env("CAMEL_MANAGEMENT_PORT").ifPresent(v -> all.put("camel.management.port", v));
        all.putAll(overrides);

        Path configDir = Path.of(setting(all, "alerthub.config-dir", "config")).toAbsolutePath().normalize();
        Path routesDir = Path.of(setting(all, "alerthub.routes-dir", "routes")).toAbsolutePath().normalize();
        List<Path> routeFiles = withRoutes ? requireRoutes(routesDir) : List.of();
        Path properties = configDir.resolve("application.properties");
        if (!Files.isRegularFile(properties)) {
            System.err.println("alerthub: " + properties + " not found; running on built-in defaults");
        }

        Main main = new Main();
        // 503 + Retry-After on the business port until the hub is ready (never a 404)
        dev.alerthub.ops.ServingGate.bindInto(main);
        main.setPropertyPlaceholderLocations(DEFAULTS + ",file:" + properties + ";optional=true");
        if (withRoutes) {
            // the files themselves, as MountedFolder lists them, not "file:routes/**/*.camel.yaml": the
            // hub loads exactly what validate, the probe checks and reload look at (on a ConfigMap
            // mount Camel's pattern happens to agree; validate and the probe checks did not)
            main.configure().withRoutesIncludePattern(routeFiles.stream().map(f -> "file:" + f)
                    .collect(Collectors.joining(",")));
        }
        main.configure().addConfiguration(new HubConfiguration());
        main.configure().addConfiguration(new dev.alerthub.remediate.RemediationConfiguration());
        main.configure().addConfiguration(new OperationsConfiguration());
        main.configure().addConfiguration(new dev.alerthub.probe.ProbeConfiguration());
        main.configure().addConfiguration(new LifecycleConfiguration());
        main.configure().addConfiguration(new AlertLifecycleConfiguration());
        all.put("alerthub.config-dir", configDir.toString());
        all.put("alerthub.routes-dir", routesDir.toString());
        // beans that check route files at start-up leave that to validate when no routes are loaded
        all.put(Props.ROUTES_LOADED, String.valueOf(withRoutes));
        all.forEach(main::addOverrideProperty);
        return main;
    }

    private static List<Path> requireRoutes(Path routesDir) {
        List<Path> files = MountedFolder.files(routesDir, ROUTE_FILE_SUFFIX);
        if (files.isEmpty()) {
            throw new IllegalStateException("alerthub: no route files (*" + ROUTE_FILE_SUFFIX + ") under " + routesDir
                    + "; run from the project folder or set -Dalerthub.routes-dir=DIR");
        }
        return files;
    }

    private static String setting(Map<String, String> overrides, String key, String fallback) {
        if (overrides.containsKey(key)) {
            return overrides.get(key);
        }
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            v = System.getenv(key.toUpperCase().replace('.', '_').replace('-', '_'));
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    private static java.util.Optional<String> env(String name) {
        return java.util.Optional.ofNullable(System.getenv(name)).filter(s -> !s.isBlank());
    }
}
