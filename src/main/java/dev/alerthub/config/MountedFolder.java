package dev.alerthub.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of a folder the hub reads ({@code routes/}, {@code config/}), each exactly once, as the
 * folder shows them. The one walker for the hub's start-up, Camel's route loading, {@code validate},
 * the probe checks and route reload.
 * <p>
 * A Kubernetes ConfigMap volume holds each key twice more: the real file in a hidden
 * {@code ..<timestamp>/} folder, reached through the {@code ..data} link, and the key itself as a
 * link {@code <key> -> ..data/<key>}. Entries whose name starts with {@code .} are skipped (also
 * editors' {@code .x.swp} and a {@code .git}), links to files are followed, links to folders are
 * not entered: so each key counts once, by its visible name, and a {@code ..data} swap shows
 * through the same names.
 */
public final class MountedFolder {
    private MountedFolder() {
    }

    /** Files under {@code dir} (recursively) whose name ends with {@code suffix}, sorted; absolute. */
    public static List<Path> files(Path dir, String suffix) {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    return d.equals(root) || !hidden(d) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    // a link is visited as a file (the walk does not follow links): keep it if it leads to one
                    if (!hidden(f) && f.getFileName().toString().endsWith(suffix) && Files.isRegularFile(f)) {
                        out.add(f);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE; // gone between listing and reading: a swap under way
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return List.copyOf(out);
    }

    private static boolean hidden(Path p) {
        return p.getFileName() != null && p.getFileName().toString().startsWith(".");
    }
}
