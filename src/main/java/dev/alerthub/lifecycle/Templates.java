package dev.alerthub.lifecycle;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import dev.alerthub.notify.MessageTexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Message texts from {@code config/templates/*.mustache} (mustache.java), each with the built-in text
 * as its fallback: a missing template means the built-in text, and a broken one (it does not
 * compile, or fails while rendering) is reported once and also falls back, so a template mistake never
 * drops a notification.
 * <p>
 * A template's name is its file name without {@code .mustache}; the part before that says how values
 * are escaped: {@code email-body.html.mustache} HTML, {@code slack-text.slack.mustache} Slack mrkdwn
 * ({@code & < >}), anything else not at all (plain text, a PagerDuty summary, a mail subject). The
 * file's final newline is not part of the text.
 * <pre>{@code
 * String text = templates.render("slack-text.slack", TemplateScope.alert(alert), () -> builtInText(alert));
 * }</pre>
 */
public final class Templates implements MessageTexts {
    public static final String SUFFIX = ".mustache";
    private static final Logger LOG = LoggerFactory.getLogger(Templates.class);

    private final Map<String, Mustache> compiled;
    private final List<FileProblem> problems;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    private Templates(Map<String, Mustache> compiled, List<FileProblem> problems) {
        this.compiled = compiled;
        this.problems = problems;
    }

    /** Compiles every template in {@code dir} (absent: none) and logs each broken one once. */
    public static Templates load(Path dir) {
        Map<String, Mustache> compiled = new TreeMap<>();
        List<FileProblem> problems = new ArrayList<>();
        for (Path f : files(dir)) {
            String name = name(f);
            try (Reader r = Files.newBufferedReader(f)) {
                // the file's own name, so that partials ({{> footer}}) resolve to footer.mustache beside it
                compiled.put(name, factory(dir, name).compile(r, f.getFileName().toString()));
            } catch (MustacheException e) {
                problems.add(problem(f, e));
            } catch (IOException e) {
                problems.add(new FileProblem(f, 1, "cannot read: " + e.getMessage()));
            }
        }
        problems.forEach(p -> LOG.warn("Template broken, the built-in text is used instead: {}", p));
        return new Templates(compiled, List.copyOf(problems));
    }

    /** The problems of every template in {@code dir}, as {@code alerthub validate} prints them. */
    public static List<FileProblem> check(Path dir) {
        return load(dir).problems();
    }

    /** The rendered template, or {@code builtIn}'s text when there is none or it fails. */
    @Override
    public String render(String name, Map<String, Object> scope, Supplier<String> builtIn) {
        Mustache m = compiled.get(name);
        if (m == null) {
            return builtIn.get();
        }
        try {
            Writer w = new StringWriter();
            m.execute(w, scope).flush();
            // editors end a file with a newline; a one-line subject or summary must not
            String text = w.toString();
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (RuntimeException | IOException e) {
            if (reported.add(name)) {
                LOG.warn("Template {} failed to render, the built-in text is used instead (reported once): {}",
                        name + SUFFIX, e.getMessage());
            }
            return builtIn.get();
        }
    }

    public boolean has(String name) {
        return compiled.containsKey(name);
    }

    public List<FileProblem> problems() {
        return problems;
    }

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            // a ConfigMap mount also holds ..data and ..<timestamp> entries: skip them
            return s.filter(f -> f.getFileName().toString().endsWith(SUFFIX) && !f.getFileName().toString().startsWith(".."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String name(Path f) {
        String n = f.getFileName().toString();
        return n.substring(0, n.length() - SUFFIX.length());
    }

    private static FileProblem problem(Path f, MustacheException e) {
        int line = e.getContext() == null ? 1 : Math.max(1, e.getContext().line());
        String msg = String.valueOf(e.getMessage()).replaceAll("\\s*@\\[[^]]*]\\s*$", "");
        return new FileProblem(f, line, msg);
    }

    /** Values are escaped for where the text goes; partials ({{> name}}) are read from the same folder. */
    private static DefaultMustacheFactory factory(Path dir, String name) {
        return new DefaultMustacheFactory(dir.toFile()) {
            @Override
            public void encode(String value, Writer writer) {
                try {
                    writer.write(name.endsWith(".html") ? DigestMessages.h(value)
                            : name.endsWith(".slack") ? DigestMessages.esc(value) : value);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
