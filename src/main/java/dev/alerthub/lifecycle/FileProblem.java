package dev.alerthub.lifecycle;

import java.nio.file.Path;

/** One mistake in a lifecycle config file; prints as {@code file:line: message}, as validate shows it. */
public record FileProblem(Path file, int line, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
