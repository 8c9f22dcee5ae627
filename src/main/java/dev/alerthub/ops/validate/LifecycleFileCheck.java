package dev.alerthub.ops.validate;

import dev.alerthub.lifecycle.FileProblem;
import dev.alerthub.lifecycle.InhibitRulesFile;
import dev.alerthub.lifecycle.Templates;
import dev.alerthub.lifecycle.TimeIntervalsFile;
import org.apache.camel.spi.PropertiesComponent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The lifecycle's config files, checked as the hub reads them: {@code time-intervals.yaml},
 * {@code inhibit-rules.yaml} and the message templates ({@code *.mustache}, compiled). Found at the
 * hub's configured places, or named on the command line (by file name, or a folder holding them).
 */
final class LifecycleFileCheck {
    static final String TIME_INTERVALS = "time-intervals.yaml";
    static final String INHIBIT_RULES = "inhibit-rules.yaml";

    private final List<String> checked = new ArrayList<>();

    /** What was checked, for the summary line. */
    List<String> checked() {
        return checked;
    }

    /** The files the hub would read, at the places its properties name. */
    List<Problem> configured(PropertiesComponent properties, Path configDir) {
        List<Problem> out = new ArrayList<>();
        out.addAll(file(place(properties, "alerthub.time-intervals.file", configDir.resolve(TIME_INTERVALS)),
                TimeIntervalsFile::check));
        out.addAll(file(place(properties, "alerthub.inhibit.rules-file", configDir.resolve(INHIBIT_RULES)),
                InhibitRulesFile::check));
        out.addAll(templates(place(properties, "alerthub.templates.dir", configDir.resolve("templates"))));
        return out;
    }

    /** Whether a file named on the command line is one of these (and not a route file). */
    static boolean isLifecycleFile(Path p) {
        String name = p.getFileName().toString();
        return name.equals(TIME_INTERVALS) || name.equals(INHIBIT_RULES) || name.endsWith(Templates.SUFFIX);
    }

    /** A file named on the command line; a template is compiled with the others of its folder (partials). */
    List<Problem> named(Path p) {
        String name = p.getFileName().toString();
        if (name.endsWith(Templates.SUFFIX)) {
            return templates(p.getParent()).stream().filter(x -> x.file().equals(p)).toList();
        }
        return file(p, name.equals(INHIBIT_RULES) ? InhibitRulesFile::check : TimeIntervalsFile::check);
    }

    /** The lifecycle files a folder named on the command line holds (a config folder, a templates folder). */
    List<Problem> inFolder(Path dir) {
        List<Problem> out = new ArrayList<>();
        if (Files.isRegularFile(dir.resolve(TIME_INTERVALS))) {
            out.addAll(named(dir.resolve(TIME_INTERVALS)));
        }
        if (Files.isRegularFile(dir.resolve(INHIBIT_RULES))) {
            out.addAll(named(dir.resolve(INHIBIT_RULES)));
        }
        if (Files.isDirectory(dir.resolve("templates"))) {
            out.addAll(templates(dir.resolve("templates")));
        }
        try (var files = Files.list(dir)) {
            if (files.anyMatch(f -> f.getFileName().toString().endsWith(Templates.SUFFIX))) {
                out.addAll(templates(dir));
            }
        } catch (java.io.IOException e) {
            out.add(new Problem(dir, 0, "cannot list: " + e.getMessage()));
        }
        return out;
    }

    private List<Problem> file(Path file, Function<Path, List<FileProblem>> check) {
        if (!Files.exists(file)) {
            return List.of();
        }
        checked.add(file.getFileName().toString());
        return convert(check.apply(file));
    }

    private List<Problem> templates(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        checked.add("templates");
        return convert(Templates.check(dir));
    }

    private static List<Problem> convert(List<FileProblem> problems) {
        return problems.stream().map(p -> new Problem(p.file().toAbsolutePath().normalize(), p.line(), p.message()))
                .toList();
    }

    private static Path place(PropertiesComponent properties, String key, Path fallback) {
        String configured = properties.resolveProperty(key).orElse("");
        return (configured.isBlank() ? fallback : Path.of(configured)).toAbsolutePath().normalize();
    }
}
