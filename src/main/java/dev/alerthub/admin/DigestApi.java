package dev.alerthub.admin;

import dev.alerthub.intake.HttpProblem;
import dev.alerthub.lifecycle.DigestSender;
import dev.alerthub.lifecycle.Digests;
import org.apache.camel.Exchange;

import java.util.LinkedHashMap;
import java.util.Map;

/** GET /api/digest?hours=24 (the figures) and POST /api/digest/send?hours=24 (queue one for the sinks). */
public class DigestApi {
    private final Digests digests;
    private final DigestSender sender;
    private final int defaultHours;

    public DigestApi(Digests digests, DigestSender sender, int defaultHours) {
        this.digests = digests;
        this.sender = sender;
        this.defaultHours = defaultHours;
    }

    public void figures(Exchange exchange) {
        HttpResponses.json(exchange, 200, digests.compute(hours(exchange)));
    }

    /** Checks ?hours= and leaves it in the header the digest-send route reads. */
    public void send(Exchange exchange) {
        int hours = hours(exchange);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(DigestSender.HOURS, hours);
        exchange.getMessage().setBody(null);
    }

    public void queued(Exchange exchange) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("queued", true);
        body.put("hours", exchange.getMessage().getHeader(DigestSender.HOURS));
        body.put("sinks", sender.sinks());
        HttpResponses.json(exchange, 202, body);
    }

    private int hours(Exchange exchange) {
        String raw = exchange.getMessage().getHeader("hours", String.class);
        if (raw == null || raw.isBlank()) {
            return defaultHours;
        }
        try {
            int h = Integer.parseInt(raw.trim());
            if (h >= 1 && h <= Digests.MAX_HOURS) {
                return h;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw HttpProblem.badRequest("hours: '" + raw + "' is not a whole number of hours between 1 and "
                + Digests.MAX_HOURS);
    }
}
