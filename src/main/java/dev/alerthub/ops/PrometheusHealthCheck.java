package dev.alerthub.ops;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.util.URISupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether Prometheus answers {@code /-/ready}, as a readiness detail only: the check is always UP,
 * because a hub that cannot query Prometheus must still take webhooks. The answer is refreshed in
 * the background so a slow Prometheus never slows a Kubernetes probe.
 */
public final class PrometheusHealthCheck extends AbstractHealthCheck {
    private static final Duration MAX_AGE = Duration.ofSeconds(10);

    private final String url;
    /** What health details show: credentials in the URL masked (health output is read by anyone on the port). */
    private final String shownUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Clock clock = Clock.systemUTC();
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile Instant checkedAt = Instant.EPOCH;
    private volatile String state = "unknown";
    private volatile String error;

    public PrometheusHealthCheck(String prometheusUrl) {
        super("alerthub", "prometheus");
        this.url = prometheusUrl.replaceAll("/+$", "") + "/-/ready";
        this.shownUrl = URISupport.sanitizeUri(url);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (checkedAt.plus(MAX_AGE).isBefore(clock.instant())) {
            refresh();
        }
        builder.up();
        builder.detail("prometheus.url", shownUrl);
        builder.detail("prometheus.state", state);
        builder.detail("prometheus.checked-at", checkedAt.toString());
        if (error != null) {
            builder.detail("prometheus.error", error);
            builder.message("Prometheus is not reachable (probes and diagnosis wait); webhooks are unaffected");
        }
    }

    private void refresh() {
        if (!checking.compareAndSet(false, true)) {
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            if (failure != null) {
                state = "unreachable";
                error = failure.getClass().getSimpleName()
                        + (failure.getMessage() == null ? "" : ": " + URISupport.sanitizeUri(failure.getMessage()));
            } else if (response.statusCode() == 200) {
                state = "ready";
                error = null;
            } else {
                state = "not ready";
                error = "HTTP " + response.statusCode();
            }
            checkedAt = clock.instant();
            checking.set(false);
        });
    }
}
