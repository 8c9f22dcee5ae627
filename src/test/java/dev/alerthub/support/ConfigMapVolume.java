package dev.alerthub.support;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A folder laid out exactly as the kubelet mounts a ConfigMap volume (its atomic writer):
 * <pre>
 * dir/..2026_11_30_04_00_00.123456789/&lt;key&gt;   the files
 * dir/..data -&gt; ..2026_11_30_04_00_00.123456789
 * dir/&lt;key&gt; -&gt; ..data/&lt;key&gt;                   one link per key (keys are flat names)
 * </pre>
 * {@link #update} changes it as the kubelet does when the ConfigMap changes: every key written to a
 * new timestamped folder, {@code ..data} swapped to it by one atomic rename, links added for new
 * keys and removed for deleted ones, the old folder removed.
 * <pre>{@code
 * ConfigMapVolume routes = ConfigMapVolume.fromKustomization(TestHub.PROJECT, "alerthub-routes", tmp.resolve("routes"));
 * ConfigMapVolume config = ConfigMapVolume.fromKustomization(TestHub.PROJECT, "alerthub-config", tmp.resolve("config"));
 * // start the hub with -Dalerthub.routes-dir=routes.dir() -Dalerthub.config-dir=config.dir()
 * routes.update("router.camel.yaml", text -> text.replace("direct:pagerduty", "direct:slack"));
 * }</pre>
 */
public final class ConfigMapVolume {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("'..'yyyy_MM_dd_HH_mm_ss.");
    private static final AtomicInteger SERIAL = new AtomicInteger();
    private static final String DATA = "..data";

    private final Path dir;
    private Map<String, String> keys;

    private ConfigMapVolume(Path dir, Map<String, String> keys) {
        this.dir = dir;
        this.keys = new TreeMap<>(keys);
    }

    /** A volume at {@code dir} holding these keys (file name to content). */
    public static ConfigMapVolume mount(Path dir, Map<String, String> keys) {
        ConfigMapVolume v = new ConfigMapVolume(dir, keys);
        v.write();
        return v;
    }

    /**
     * The ConfigMap {@code name} of the project's {@code kustomization.yaml} (its configMapGenerator
     * files: each file's name is its key, as kustomize makes it), mounted at {@code dir}.
     */
    public static ConfigMapVolume fromKustomization(Path project, String name, Path dir) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String file : generatorFiles(project, name)) {
            int eq = file.indexOf('=');
            String key = eq > 0 ? file.substring(0, eq) : Path.of(file).getFileName().toString();
            Path source = project.resolve(eq > 0 ? file.substring(eq + 1) : file);
            if (keys.put(key, read(source)) != null) {
                throw new IllegalStateException("ConfigMap " + name + ": key " + key + " twice (kustomize refuses that)");
            }
        }
        return mount(dir, keys);
    }

    public Path dir() {
        return dir;
    }

    /** The keys, as the hub should see them: {@code dir/<key>}. */
    public List<Path> visibleFiles() {
        return keys.keySet().stream().map(dir::resolve).toList();
    }

    /** The folder {@code ..data} points at now. */
    public Path dataFolder() {
        try {
            return dir.resolve(Files.readSymbolicLink(dir.resolve(DATA)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A ConfigMap change of one key (content function; null result removes the key). */
    public void update(String key, UnaryOperator<String> change) {
        Map<String, String> next = new TreeMap<>(keys);
        String changed = change.apply(keys.get(key));
        if (changed == null) {
            next.remove(key);
        } else {
            next.put(key, changed);
        }
        update(next);
    }

    /** The ConfigMap now holds exactly these keys: the kubelet's atomic update. */
    public void update(Map<String, String> next) {
        Map<String, String> before = keys;
        keys = new TreeMap<>(next);
        write();
        for (String gone : before.keySet()) {
            if (!keys.containsKey(gone)) {
                delete(dir.resolve(gone));
            }
        }
    }

    private void write() {
        try {
            Files.createDirectories(dir);
            Path old = Files.isSymbolicLink(dir.resolve(DATA)) ? dataFolder() : null;
            String stamp = STAMP.format(LocalDateTime.now(ZoneOffset.UTC)) + String.format("%09d", SERIAL.incrementAndGet());
            Path fresh = Files.createDirectory(dir.resolve(stamp));
            for (Map.Entry<String, String> e : keys.entrySet()) {
                Files.writeString(fresh.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
            }
            Path tmp = dir.resolve("..data_tmp");
            Files.createSymbolicLink(tmp, fresh.getFileName());
            // rename(2) over the old link: readers see the old folder or the new one, never neither
            Files.move(tmp, dir.resolve(DATA), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (String key : keys.keySet()) {
                Path link = dir.resolve(key);
                if (!Files.isSymbolicLink(link)) {
                    Files.createSymbolicLink(link, Path.of(DATA, key));
                }
            }
            if (old != null) {
                delete(old);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> generatorFiles(Path project, String name) {
        Map<String, Object> k = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(read(project.resolve("kustomization.yaml")));
        for (Object g : (List<Object>) k.getOrDefault("configMapGenerator", List.of())) {
            Map<String, Object> gen = (Map<String, Object>) g;
            if (name.equals(gen.get("name"))) {
                return (List<String>) gen.getOrDefault("files", List.of());
            }
        }
        throw new IllegalArgumentException("no configMapGenerator '" + name + "' in " + project.resolve("kustomization.yaml"));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path p) {
        try {
            if (Files.isDirectory(p) && !Files.isSymbolicLink(p)) {
                try (Stream<Path> all = Files.walk(p)) {
                    for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            } else {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
