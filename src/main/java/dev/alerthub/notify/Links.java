package dev.alerthub.notify;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Which link values (an alert's {@code runbook_url}, {@code generatorURL}) a sink may turn into a
 * clickable link: absolute http or https with a host, nothing else. A {@code javascript:} or
 * {@code data:} value from a label is data, shown as text at most, never something a click runs.
 */
public final class Links {
    /** Slack's limit for a button URL; longer is not a link anyone sends on purpose. */
    static final int MAX_LENGTH = 3000;

    private Links() {
    }

    public static Optional<String> http(String url) {
        if (url == null || url.isBlank() || url.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String trimmed = url.strip();
        try {
            URI uri = new URI(trimmed);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean web = scheme.equals("http") || scheme.equals("https");
            return web && uri.getHost() != null && !uri.getHost().isEmpty() ? Optional.of(trimmed) : Optional.empty();
        } catch (URISyntaxException e) {
            // spaces, control characters, quotes: not a URL a browser would take as given
            return Optional.empty();
        }
    }
}
