package dev.alerthub.intake;

import dev.alerthub.notify.Slack;
import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A verified Slack interaction (form field {@code payload}: JSON). A {@code block_actions} click on the
 * hub's acknowledge button ({@code action_id} alerthub-ack) becomes the headers direct:acknowledge
 * takes: {@code ackTarget} (the button's value: a fingerprint or {@code group:<id>}), {@code ackBy}
 * (the Slack user's username, else name, else id) and {@code ackComment}. Anything else Slack sends
 * (other buttons, shortcuts) is answered 200 and ignored.
 */
public class SlackInteraction {
    /** The action_id of the button the hub's Slack messages carry (notify/Slack). */
    public static final String ACK_ACTION = Slack.ACK_ACTION;
    static final int MAX_VALUE = 300;

    public void parse(Exchange exchange) {
        Message msg = exchange.getMessage();
        String form = new String(msg.getBody(byte[].class), StandardCharsets.UTF_8);
        msg.removeHeaders("*");
        msg.setBody(null);
        JsonNode payload = payload(form);
        if (!"block_actions".equals(payload.path("type").asText())) {
            return;
        }
        for (JsonNode action : payload.path("actions")) {
            if (ACK_ACTION.equals(action.path("action_id").asText())) {
                String value = action.path("value").asText("");
                if (value.isBlank() || value.length() > MAX_VALUE) {
                    throw HttpProblem.badRequest("payload.actions[].value: a fingerprint or group:<id> is required");
                }
                JsonNode user = payload.path("user");
                String by = first(user.path("username").asText(""), user.path("name").asText(""),
                        user.path("id").asText(""));
                if (by.isBlank()) {
                    throw HttpProblem.badRequest("payload.user: no username, name or id");
                }
                msg.setHeader("ackTarget", value);
                msg.setHeader("ackBy", by);
                msg.setHeader("ackComment", "via Slack");
                return;
            }
        }
    }

    private static JsonNode payload(String form) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals("payload")) {
                String json = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                try {
                    return Json.MAPPER.readTree(json);
                } catch (Exception e) {
                    throw HttpProblem.badRequest("payload: not JSON");
                }
            }
        }
        throw HttpProblem.badRequest("body: form field 'payload' is missing");
    }

    private static String first(String... values) {
        for (String v : values) {
            if (!v.isBlank()) {
                return v.length() > 200 ? v.substring(0, 200) : v;
            }
        }
        return "";
    }
}
