package dev.alerthub.lifecycle;

import dev.alerthub.alert.InhibitRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The inhibit rules of {@code inhibit-rules.yaml}, bound as {@code inhibitRules}. {@link #reload()}
 * (routes/lifecycle/inhibit-rules.camel.yaml, every {@code alerthub.inhibit.reload-interval}) reads
 * the file again when its content changed, which also sees a ConfigMap's atomic swap of its
 * {@code ..data} link. A file with problems changes nothing: the last good rules stay, and each
 * problem is logged as {@code file:line: message}. Broken at start-up, the hub starts with no rules
 * (every alert is then told: too much noise beats a hub that does not start and tells nobody).
 */
public final class InhibitRules implements Supplier<List<InhibitRule>> {
    private static final Logger LOG = LoggerFactory.getLogger(InhibitRules.class);

    private final Path file;
    private volatile List<InhibitRule> rules = List.of();
    private volatile String loadedText;
    private volatile List<FileProblem> problems = List.of();

    public InhibitRules(Path file) {
        this.file = file;
    }

    public static InhibitRules load(Path file) {
        InhibitRules r = new InhibitRules(file);
        r.reload();
        return r;
    }

    @Override
    public List<InhibitRule> get() {
        return rules;
    }

    /** The problems of the file as last read (none when it was good). */
    public List<FileProblem> problems() {
        return problems;
    }

    /** Reads the file again if it changed; returns whether the rules in use changed. */
    public synchronized boolean reload() {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            text = "";
        } catch (IOException e) {
            LOG.warn("{}: cannot read ({}); keeping the {} inhibit rule(s) in use", file, e.getMessage(), rules.size());
            return false;
        }
        if (Objects.equals(text, loadedText)) {
            return false;
        }
        loadedText = text;
        InhibitRulesFile.Parsed parsed = InhibitRulesFile.parse(file, text);
        problems = parsed.problems();
        if (!parsed.problems().isEmpty()) {
            LOG.error("Inhibit rules not (re)loaded, keeping the {} rule(s) in use:\n{}", rules.size(),
                    parsed.problems().stream().map(FileProblem::toString).collect(Collectors.joining("\n")));
            return false;
        }
        rules = parsed.rules();
        LOG.info("Inhibit rules: {} from {}", rules.isEmpty() ? "none" : rules.stream().map(InhibitRule::name)
                .collect(Collectors.joining(", ")), file);
        return true;
    }
}
