package dev.alerthub.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import dev.alerthub.store.Deliveries;
import dev.alerthub.store.SlackMessages;
import dev.alerthub.store.SlackMessages.Posted;
import org.apache.camel.Exchange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Slack Web API mode: one message per key (an alert's fingerprint, or the group key the grouping sets
 * in {@code alerthub.slackThreadKey}) that later notifications of the same key edit in place
 * ({@code chat.update} of the {@code ts} the first {@code chat.postMessage} answered), and thread
 * replies ({@code thread_ts}) for reminders and remediation actions. Where each key's message is, is
 * kept in the store ({@link SlackMessages}), so a restart still edits it. The bot token travels only
 * in the {@code Authorization: Bearer} header, the method's URL in {@code CamelHttpUri}.
 */
public class SlackApi {
    /** Exchange property: the message key (the grouping sets the group key); absent, the alert's fingerprint. */
    public static final String THREAD_KEY = "alerthub.slackThreadKey";
    /** Exchange property (the reminders set it): post as a reply in the key's thread. */
    public static final String REMINDER = "alerthub.reminder";
    /** Exchange property (remediation actions set it): post as a reply in the key's thread. */
    public static final String REPLY = "alerthub.slackReply";
    /** Exchange property set by {@link #answer}: the key's message is gone from Slack; post it anew. */
    public static final String REPOST = "alerthub.slackRepost";
    static final String POST = "chat.postMessage";
    static final String UPDATE = "chat.update";
    private static final String CALL = "alerthub.slackCall";

    private record Call(String method, String target, String key, boolean reply) {
    }

    private final SinkSettings settings;
    private final SlackMessages messages;
    private final String apiUrl;

    public SlackApi(SinkSettings settings, SlackMessages messages, String apiUrl) {
        this.settings = settings;
        this.messages = messages;
        this.apiUrl = apiUrl == null || apiUrl.isBlank() ? "https://slack.com/api" : apiUrl.replaceAll("/+$", "");
    }

    /**
     * True when this target posts through the Web API: it has a bot token of its own, or it has no
     * webhook URL of its own and the default bot token is set.
     */
    public boolean isUsedFor(String target) {
        if (settings.own(target, "bot-token").isPresent()) {
            return true;
        }
        return settings.own(target, "webhook-url").isEmpty() && settings.find("", "bot-token").isPresent();
    }

    /**
     * Property alerthub.request: a rendered message. Makes it the Web API call: {@code chat.update}
     * of the key's message when there is one, else {@code chat.postMessage}; a reminder or remediation
     * action is a {@code chat.postMessage} with the key's message as {@code thread_ts} (a message of its
     * own when the key has none yet).
     */
    public void request(Exchange exchange) {
        String target = Outbound.target(exchange);
        String token = settings.find(target, "bot-token").orElseThrow(() ->
                new IllegalStateException("alerthub.slack.bot-token is not set"));
        String key = key(exchange);
        boolean reply = exchange.getProperty(REMINDER, false, Boolean.class)
                || exchange.getProperty(REPLY, false, Boolean.class);
        boolean repost = exchange.getProperty(REPOST, false, Boolean.class);
        // a message about no alert (the digest) is a message of its own, never edited
        Optional<Posted> message = repost || key.isEmpty() ? Optional.empty() : messages.find(target, key);
        ObjectNode body = (ObjectNode) read(Outbound.request(exchange));
        String method;
        if (message.isPresent() && !reply) {
            method = UPDATE;
            body.put("channel", message.get().channel()).put("ts", message.get().ts());
        } else {
            method = POST;
            body.put("channel", message.map(Posted::channel).orElseGet(() -> channel(target)));
            message.ifPresent(m -> body.put("thread_ts", m.ts()));
            body.put("unfurl_links", false).put("unfurl_media", false);
        }
        exchange.setProperty(CALL, new Call(method, target, key, reply));
        Outbound.clearHeaders(exchange);
        exchange.getMessage().setHeader(Exchange.HTTP_URI, apiUrl + "/" + method);
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
        exchange.getMessage().setHeader("Authorization", "Bearer " + token);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        exchange.getMessage().setBody(body.toString());
    }

    /**
     * Slack answers HTTP 200 with {@code ok}: true records where a new message is; false is a
     * {@link SlackApiException} (retried or dead-lettered by SinkRetry), except {@code message_not_found}
     * for an edit, which asks for the message to be posted anew ({@link #REPOST}).
     */
    public void answer(Exchange exchange) {
        exchange.getMessage().removeHeader("Authorization");
        Call call = exchange.getProperty(CALL, Call.class);
        exchange.removeProperty(REPOST);
        JsonNode answer = read(exchange.getMessage().getBody(String.class));
        if (answer.path("ok").asBoolean(false)) {
            if (call.method().equals(POST) && !call.reply() && !call.key().isEmpty()) {
                messages.save(call.target(), call.key(), new Posted(answer.path("channel").asText(),
                        answer.path("ts").asText()));
            } else if (call.method().equals(UPDATE)) {
                messages.touched(call.target(), call.key());
            }
            return;
        }
        String error = answer.path("error").asText("unknown_error");
        if (call.method().equals(UPDATE) && error.equals("message_not_found")) {
            exchange.setProperty(REPOST, true);
            return;
        }
        throw new SlackApiException(call.method(), error,
                exchange.getMessage().getHeader("Retry-After", String.class));
    }

    static String key(Exchange exchange) {
        // the grouping's key first, then the thread the lifecycle's messages (ack, reminder) name
        for (String name : new String[] {THREAD_KEY, Deliveries.THREAD_KEY}) {
            String key = exchange.getProperty(name, String.class);
            if (key != null && !key.isBlank()) {
                return key;
            }
        }
        Alert alert = exchange.getProperty(Deliveries.ALERT, Alert.class);
        if (alert != null) {
            return alert.fingerprint();
        }
        return exchange.getProperty(Deliveries.FINGERPRINT, "", String.class);
    }

    private String channel(String target) {
        return settings.find(target, "channel").orElseThrow(() ->
                new IllegalStateException("alerthub.slack.channel is not set"));
    }

    private static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json == null ? "{}" : json);
        } catch (IOException e) {
            throw new UncheckedIOException("Slack answered something that is not JSON", e);
        }
    }
}
