package dev.alerthub.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.alerthub.alert.Json;

import java.util.Map;

/**
 * The one Slack Block Kit builder (alert notifications and remediation messages alike). Every value
 * given to it is data: {@code &}, {@code <} and {@code >} are escaped as Slack asks, so a label
 * value such as {@code <!channel>}, {@code <@U024BE7LH>} or {@code <https://x|text>} is shown, never
 * acted on. Formatting (bold, code) comes only from {@link Mrkdwn}'s methods, never from values;
 * buttons link only http(s) URLs ({@link Links}).
 */
public final class SlackMessage {
    static final int MAX_HEADER = 150;
    static final int MAX_SECTION = 3000;
    static final int MAX_FIELD = 2000;

    private final ObjectNode message = Json.MAPPER.createObjectNode();
    private final ArrayNode blocks;

    private SlackMessage(String mrkdwn) {
        message.put("text", mrkdwn);
        blocks = message.putArray("blocks");
    }

    /** A message whose notification and plain fallback is this text. */
    public static SlackMessage withText(String fallback) {
        return new SlackMessage(escape(fallback));
    }

    /** As {@link #withText}, from text escaped already (a template's, whose values were escaped as it inserted them). */
    public static SlackMessage withMrkdwnText(String mrkdwn) {
        return new SlackMessage(mrkdwn);
    }

    public SlackMessage header(String text) {
        blocks.addObject().put("type", "header").putObject("text").put("type", "plain_text").put("emoji", true)
                .put("text", cut(escape(text), MAX_HEADER));
        return this;
    }

    /** A section with this text (none when empty) and, when given, fields (name: value, in order; at most 10). */
    public SlackMessage section(Mrkdwn text, Map<String, String> fields) {
        ObjectNode section = blocks.addObject().put("type", "section");
        if (!text.isEmpty()) {
            section.putObject("text").put("type", "mrkdwn").put("text", cut(text.toString(), MAX_SECTION));
        }
        if (!fields.isEmpty()) {
            ArrayNode out = section.putArray("fields");
            fields.entrySet().stream().limit(10).forEach(f -> out.addObject().put("type", "mrkdwn")
                    .put("text", cut(Mrkdwn.of().bold(f.getKey()).newline().text(f.getValue()).toString(), MAX_FIELD)));
        }
        return this;
    }

    public SlackMessage section(Mrkdwn text) {
        return section(text, Map.of());
    }

    public SlackMessage context(Mrkdwn text) {
        if (!text.isEmpty()) {
            blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn")
                    .put("text", cut(text.toString(), MAX_SECTION));
        }
        return this;
    }

    /** Buttons (label: URL, in order); a URL that is not http(s) is left out, and no buttons, no block. */
    public SlackMessage buttons(Map<String, String> links) {
        ArrayNode buttons = Json.MAPPER.createArrayNode();
        links.forEach((label, url) -> Links.http(url).ifPresent(u -> buttons.addObject().put("type", "button")
                .put("url", u).putObject("text").put("type", "plain_text").put("text", cut(escape(label), 75))));
        if (!buttons.isEmpty()) {
            blocks.addObject().put("type", "actions").set("elements", buttons);
        }
        return this;
    }

    /**
     * A rendered message (JSON) with an interactive button added to its actions block: Slack sends a
     * click to the app's interactivity URL with this {@code action_id} and {@code value}, both data.
     */
    public static String withActionButton(String json, String label, String actionId, String value) {
        ObjectNode message = (ObjectNode) Json.read(json, com.fasterxml.jackson.databind.JsonNode.class);
        ArrayNode blocks = message.withArray("blocks");
        ObjectNode actions = null;
        for (com.fasterxml.jackson.databind.JsonNode b : blocks) {
            if ("actions".equals(b.path("type").asText())) {
                actions = (ObjectNode) b;
            }
        }
        if (actions == null) {
            actions = blocks.addObject().put("type", "actions");
        }
        ObjectNode button = Json.MAPPER.createObjectNode().put("type", "button").put("action_id", actionId)
                .put("value", cut(value, 2000)).put("style", "primary");
        button.putObject("text").put("type", "plain_text").put("text", cut(escape(label), 75));
        actions.withArray("elements").insert(0, button);
        return message.toString();
    }

    public String json() {
        return message.toString();
    }

    /** Slack's rule for text: these three are its markup characters; everything else is shown as is. */
    public static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** mrkdwn assembled from data: each value escaped, the formatting added around it. */
    public static final class Mrkdwn {
        private final StringBuilder text = new StringBuilder();

        private Mrkdwn() {
        }

        public static Mrkdwn of() {
            return new Mrkdwn();
        }

        /** mrkdwn whose values were escaped already (a template's text). */
        public static Mrkdwn raw(String mrkdwn) {
            Mrkdwn m = new Mrkdwn();
            m.text.append(mrkdwn);
            return m;
        }

        public Mrkdwn text(String value) {
            text.append(escape(value));
            return this;
        }

        public Mrkdwn bold(String value) {
            text.append('*').append(escape(value)).append('*');
            return this;
        }

        public Mrkdwn italic(String value) {
            text.append('_').append(escape(value)).append('_');
            return this;
        }

        /** Inline code; a backquote inside would end the span early, so it becomes a quote. */
        public Mrkdwn code(String value) {
            text.append('`').append(escape(value == null ? "" : value.replace('`', '\''))).append('`');
            return this;
        }

        public Mrkdwn newline() {
            text.append('\n');
            return this;
        }

        public boolean isEmpty() {
            return text.isEmpty();
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
