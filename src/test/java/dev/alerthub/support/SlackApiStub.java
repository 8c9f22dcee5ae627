package dev.alerthub.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alerthub.alert.Json;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for Slack's Web API ({@code chat.postMessage}, {@code chat.update}) on 127.0.0.1 that
 * keeps its channel's messages and threads, and answers as Slack does: HTTP 200 with {@code ok}, the
 * channel id and the message's {@code ts}, or {@code ok:false} with Slack's error names
 * ({@code invalid_auth}, {@code channel_not_found}, {@code message_not_found}, {@code thread_not_found}).
 * The message shape itself is checked by {@link SinkStubs#checkSlack}.
 */
public final class SlackApiStub implements AutoCloseable {
    public static final String TOKEN = "xoxb-test-0123456789-abcdefABCDEF";
    public static final String CHANNEL = "alerts";
    public static final String CHANNEL_ID = "C0ALERTS1";

    /** One message in the channel: its current content (after edits) and its thread's replies. */
    public record Message(String ts, String threadTs, List<JsonNode> versions) {
        public JsonNode current() {
            return versions.get(versions.size() - 1);
        }

        public String text() {
            return current().path("text").asText();
        }
    }

    /** One API call as Slack saw it. */
    public record Call(String method, JsonNode body, String authorization) {
    }

    private final HttpStub http;
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final Map<String, Message> messages = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    public SlackApiStub() {
        http = new HttpStub(HttpStub.Response.of(200, "{\"ok\":true}"), r -> {
            if (!r.path().endsWith("/chat.postMessage") && !r.path().endsWith("/chat.update")) {
                return "unknown_method " + r.path();
            }
            return SinkStubs.checkSlack(r);
        });
        http.respondWith(this::answer);
    }

    public String url() {
        return http.url("/api");
    }

    public HttpStub http() {
        return http;
    }

    private synchronized HttpStub.Response answer(HttpStub.Request r) {
        JsonNode body = Json.read(r.body(), JsonNode.class);
        String method = r.path().substring(r.path().lastIndexOf('/') + 1);
        calls.add(new Call(method, body, r.header("Authorization")));
        if (!("Bearer " + TOKEN).equals(r.header("Authorization"))) {
            return error("invalid_auth");
        }
        String channel = body.path("channel").asText();
        if (!channel.equals(CHANNEL) && !channel.equals(CHANNEL_ID)) {
            return error("channel_not_found");
        }
        if (method.equals("chat.postMessage")) {
            String threadTs = body.hasNonNull("thread_ts") ? body.path("thread_ts").asText() : null;
            if (threadTs != null && !messages.containsKey(threadTs)) {
                return error("thread_not_found");
            }
            String ts = String.format("%d.%06d", clock.get() / 1000, clock.incrementAndGet() % 1_000_000);
            messages.put(ts, new Message(ts, threadTs, new CopyOnWriteArrayList<>(List.of(body))));
            return ok(ts);
        }
        String ts = body.path("ts").asText();
        Message m = messages.get(ts);
        if (m == null || !channel.equals(CHANNEL_ID)) {
            return error("message_not_found");
        }
        m.versions().add(body);
        return ok(ts);
    }

    private static HttpStub.Response ok(String ts) {
        ObjectNode a = Json.MAPPER.createObjectNode().put("ok", true).put("channel", CHANNEL_ID).put("ts", ts);
        return new HttpStub.Response(200, Map.of("Content-Type", "application/json; charset=utf-8"), a.toString());
    }

    public static HttpStub.Response error(String error) {
        return new HttpStub.Response(200, Map.of("Content-Type", "application/json; charset=utf-8"),
                Json.MAPPER.createObjectNode().put("ok", false).put("error", error).toString());
    }

    /** Top-level messages of the channel, oldest first. */
    public synchronized List<Message> messages() {
        return messages.values().stream().filter(m -> m.threadTs() == null)
                .sorted((a, b) -> a.ts().compareTo(b.ts())).toList();
    }

    /** Replies in this message's thread, oldest first. */
    public synchronized List<Message> replies(String ts) {
        return messages.values().stream().filter(m -> ts.equals(m.threadTs()))
                .sorted((a, b) -> a.ts().compareTo(b.ts())).toList();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Someone deleted the message in Slack. */
    public void delete(String ts) {
        messages.remove(ts);
    }

    public void clear() {
        messages.clear();
        calls.clear();
        http.clear();
    }

    @Override
    public void close() {
        http.close();
    }
}
