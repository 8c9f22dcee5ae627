package dev.alerthub.notify;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Where the sinks' texts come from: the operator's templates ({@code config/templates/*.mustache},
 * docs/lifecycle.md#templates) or, when there is none or it fails, the built-in text. A template
 * mistake never drops a notification.
 */
@FunctionalInterface
public interface MessageTexts {
    /** The built-in texts only. */
    MessageTexts BUILT_IN = (name, scope, builtIn) -> builtIn.get();

    /** The text of template {@code name} for these values, or {@code builtIn}'s when there is none or it fails. */
    String render(String name, Map<String, Object> scope, Supplier<String> builtIn);
}
