package dev.alerthub.ops;

import dev.alerthub.metrics.Metrics;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import java.time.Duration;

/**
 * Times every request on an intake route ({@code intake-<source>}) from arrival to answer, by
 * source and HTTP status, as {@code alerthub_webhook_request_seconds}. Done as an event notifier
 * so that the error answers written by the http-api route configuration are timed too, without a
 * line in any route file.
 */
public final class WebhookTiming extends EventNotifierSupport {
    static final String INTAKE_PREFIX = "intake-";
    private final Metrics metrics;

    public WebhookTiming(Metrics metrics) {
        this.metrics = metrics;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        if (exchange.getProperty(ExchangePropertyKey.CORRELATION_ID) != null) {
            // a split or multicast part of the request, not the request itself
            return;
        }
        String route = exchange.getFromRouteId();
        if (route == null || !route.startsWith(INTAKE_PREFIX) || exchange.getFromEndpoint() == null
                || !exchange.getFromEndpoint().getEndpointUri().startsWith("platform-http:")) {
            return;
        }
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int status = code != null ? code : exchange.isFailed() ? 500 : 200;
        metrics.time("alerthub.webhook.request", Duration.ofMillis(exchange.getClock().elapsed()),
                "source", route.substring(INTAKE_PREFIX.length()), "status", String.valueOf(status));
    }
}
