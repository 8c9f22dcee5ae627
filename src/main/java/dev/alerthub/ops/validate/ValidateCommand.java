package dev.alerthub.ops.validate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code alerthub validate [FILE_OR_DIR...]}: builds the hub's beans and properties exactly as
 * {@code run} does (but with no ports, no routes and a throwaway in-memory store), loads the route
 * files against them without starting anything, checks the lifecycle's config files
 * (time-intervals.yaml, inhibit-rules.yaml, the templates), and prints {@code file:line: message} per problem.
 * Exit status 0 when every file is valid, 1 otherwise.
 */
public final class ValidateCommand {

    private ValidateCommand() {
    }

    /**
     * @param hubWithoutRoutes builds the hub's camel-main, without routes, from these settings (the wiring
     *            passes its own factory: this command sits below it and must not call up)
     */
    public static int run(String[] args, Map<String, String> overrides,
                          Function<Map<String, String>, Main> hubWithoutRoutes,
                          PrintStream out, PrintStream err) {
        Map<Logger, Level> levels = quietLogs();
        try {
            return validate(args, overrides, hubWithoutRoutes, out, err);
        } finally {
            levels.forEach(Logger::setLevel);
        }
    }

    private static int validate(String[] args, Map<String, String> overrides,
                                Function<Map<String, String>, Main> hubWithoutRoutes,
                                PrintStream out, PrintStream err) {
        Main main;
        try {
            main = hubWithoutRoutes.apply(inertSettings(overrides));
            main.start();
        } catch (Exception e) {
            err.println("alerthub validate: the hub's configuration does not load: " + rootMessage(e));
            return 1;
        }
        try {
            CamelContext hub = main.getCamelContext();
            Path cwd = Path.of("").toAbsolutePath();
            Path routesDir = Path.of(hub.getPropertiesComponent().resolveProperty("alerthub.routes-dir").orElse("routes"));
            Path configDir = Path.of(hub.getPropertiesComponent().resolveProperty("alerthub.config-dir").orElse("config"));

            List<Problem> problems = new ArrayList<>();
            LifecycleFileCheck lifecycle = new LifecycleFileCheck();
            Set<Path> files = args.length == 0 ? defaultFiles(routesDir, configDir, problems)
                    : namedFiles(args, problems, lifecycle);
            if (args.length == 0) {
                problems.addAll(lifecycle.configured(hub.getPropertiesComponent(), configDir.toAbsolutePath()));
            }
            // a file checked on its own may use the route configurations of the routes folder
            List<Path> context = Files.isDirectory(routesDir) ? RouteValidator.routeFiles(routesDir) : List.of();
            problems.addAll(new RouteValidator(hub.getRegistry(), hub.getPropertiesComponent()).validate(files, context));
            for (Problem p : problems) {
                out.println(p.format(cwd));
            }
            if (problems.isEmpty()) {
                err.println("alerthub validate: " + files.size() + " route file(s) valid"
                        + (lifecycle.checked().isEmpty() ? "" : "; " + String.join(", ", lifecycle.checked()) + " valid"));
                return 0;
            }
            long bad = problems.stream().map(Problem::file).distinct().count();
            err.println("alerthub validate: " + problems.size() + " problem(s) in " + bad + " file(s)");
            return 1;
        } finally {
            main.stop();
        }
    }

    /**
     * The hub's configuration without its side effects: nothing listens, nothing is stored for real,
     * nothing is elected, nothing is watched.
     */
    private static Map<String, String> inertSettings(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>(overrides);
        settings.put("camel.server.enabled", "false");
        settings.put("camel.management.enabled", "false");
        settings.put("camel.main.jmx-enabled", "false");
        settings.put("camel.main.name", "alerthub-validate-beans");
        settings.put("alerthub.store.url", "jdbc:h2:mem:alerthub-validate-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        settings.put("alerthub.store.username", "");
        settings.put("alerthub.store.password", "");
        settings.put("alerthub.routes-reload", "false");
        settings.put("alerthub.cluster.enabled", "false");
        return settings;
    }

    /** No arguments: the routes folder and the route files of the config folder. */
    private static Set<Path> defaultFiles(Path routesDir, Path configDir, List<Problem> problems) {
        Set<Path> files = new LinkedHashSet<>();
        if (!Files.isDirectory(routesDir)) {
            problems.add(new Problem(routesDir, 0, "routes folder not found (set -Dalerthub.routes-dir=DIR)"));
        } else {
            files.addAll(RouteValidator.routeFiles(routesDir));
            if (files.isEmpty()) {
                problems.add(new Problem(routesDir, 0, "no route files (*" + RouteValidator.ROUTE_FILE_SUFFIX + ")"));
            }
        }
        if (Files.isDirectory(configDir)) {
            files.addAll(RouteValidator.routeFiles(configDir));
        }
        return files;
    }

    /**
     * The files and folders named on the command line; lifecycle files (time-intervals.yaml,
     * inhibit-rules.yaml, *.mustache, or a folder holding them) are checked here, route files returned.
     */
    private static Set<Path> namedFiles(String[] args, List<Problem> problems, LifecycleFileCheck lifecycle) {
        Set<Path> files = new LinkedHashSet<>();
        for (String a : args) {
            Path p = Path.of(a).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) {
                List<Path> found = RouteValidator.routeFiles(p);
                int before = lifecycle.checked().size();
                problems.addAll(lifecycle.inFolder(p));
                if (found.isEmpty() && lifecycle.checked().size() == before) {
                    problems.add(new Problem(p, 0, "no route files (*" + RouteValidator.ROUTE_FILE_SUFFIX + ")"));
                }
                files.addAll(found);
            } else if (Files.isRegularFile(p) && LifecycleFileCheck.isLifecycleFile(p)) {
                problems.addAll(lifecycle.named(p));
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                problems.add(new Problem(p, 0, "no such file or folder"));
            }
        }
        return files;
    }

    /** The command's output is the problem list; the hub's start-up chatter would bury it. */
    private static Map<Logger, Level> quietLogs() {
        Map<Logger, Level> before = new LinkedHashMap<>();
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext lc) {
            for (String name : List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "org.apache.camel", "dev.alerthub",
                    "org.flywaydb", "com.zaxxer.hikari")) {
                Logger l = lc.getLogger(name);
                before.put(l, l.getLevel());
                l.setLevel(Level.ERROR);
            }
        }
        return before;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
