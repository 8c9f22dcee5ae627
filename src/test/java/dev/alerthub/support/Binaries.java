package dev.alerthub.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/** Programs from the machine that tests run (kubectl, promtool, amtool): found on PATH, or a clear failure. */
public final class Binaries {
    public record Result(int exit, String out, String err) {
    }

    private Binaries() {
    }

    /** The program's path; fails the test, saying how to install it, when it is not there. */
    public static Path require(String name, String install) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return fail(name + " is not installed but this test needs it (" + install + "; .ci/run installs it)");
    }

    /** Runs it to completion (at most a minute) and returns exit status, output and error output. */
    public static Result run(Path dir, Path program, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(program.toString());
        cmd.addAll(List.of(args));
        try {
            Path err = Files.createTempFile("binary", ".err");
            try {
                Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile()).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return fail(String.join(" ", cmd) + " did not finish within a minute");
                }
                return new Result(p.exitValue(), out, Files.readString(err));
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
