package dev.alerthub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A routes folder for a test hub: a copy of the project's routes/ (so the real templates, evaluation
 * routes and shipped probe files are used) plus the probe files a test writes.
 */
public final class ProbeRoutes {
    private final Path dir;

    private ProbeRoutes(Path dir) {
        this.dir = dir;
    }

    public static ProbeRoutes copyOfProject() {
        try {
            Path dir = Files.createTempDirectory("alerthub-routes");
            Path source = TestHub.PROJECT.resolve("routes");
            try (Stream<Path> files = Files.walk(source)) {
                for (Path f : files.toList()) {
                    Path target = dir.resolve(source.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(f, target);
                    }
                }
            }
            return new ProbeRoutes(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes routes/probes/{@code name}; returns its path. */
    public Path probe(String name, String yaml) {
        try {
            Path f = dir.resolve("probes").resolve(name);
            Files.writeString(f, yaml);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A probe file's text: one templatedRoute per call of {@code probe}, parameters in the order given
     * (name, value, name, value, ...); every value is written as a YAML block so any text is safe.
     */
    public static String templated(String template, String... nameValues) {
        StringBuilder sb = new StringBuilder("- templatedRoute:\n    routeTemplateRef: ").append(template)
                .append("\n    parameters:\n");
        for (int i = 0; i < nameValues.length; i += 2) {
            sb.append("      - name: ").append(nameValues[i]).append("\n        value: |-\n");
            for (String line : nameValues[i + 1].split("\n", -1)) {
                sb.append("          ").append(line).append("\n");
            }
        }
        return sb.toString();
    }

    public Path dir() {
        return dir;
    }
}
