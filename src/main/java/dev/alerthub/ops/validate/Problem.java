package dev.alerthub.ops.validate;

import java.nio.file.Path;

/** One mistake in a route file, printed the way compilers do: {@code file:line: message}. */
public record Problem(Path file, int line, String message) {

    public String format(Path relativeTo) {
        Path shown = file;
        if (relativeTo != null && file.isAbsolute() && file.startsWith(relativeTo)) {
            shown = relativeTo.relativize(file);
        }
        return shown + ":" + line + ": " + message;
    }

    @Override
    public String toString() {
        return format(null);
    }
}
