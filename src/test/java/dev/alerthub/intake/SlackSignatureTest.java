package dev.alerthub.intake;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlackSignatureTest {
    /** Slack's own worked example ("Verifying requests from Slack"): secret, timestamp, body and signature. */
    static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    static final String TIMESTAMP = "1531420618";
    static final byte[] BODY = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
            + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
            + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J"
            + "%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
            .getBytes(StandardCharsets.UTF_8);
    static final String SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    static SlackSignature at(long epochSecond) {
        return new SlackSignature(SECRET, Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    }

    @Test
    void slacksWorkedExampleVerifies() {
        at(Long.parseLong(TIMESTAMP)).check(TIMESTAMP, SIGNATURE, BODY);
    }

    @Test
    void withinFiveMinutesEitherWayVerifiesAndBeyondIs401() {
        long t = Long.parseLong(TIMESTAMP);
        at(t + 300).check(TIMESTAMP, SIGNATURE, BODY);
        at(t - 300).check(TIMESTAMP, SIGNATURE, BODY);
        assertStatus(() -> at(t + 301).check(TIMESTAMP, SIGNATURE, BODY), 401);
        assertStatus(() -> at(t - 301).check(TIMESTAMP, SIGNATURE, BODY), 401);
    }

    @Test
    void aChangedBodyOrSignatureOrMissingHeaderIs401() {
        long t = Long.parseLong(TIMESTAMP);
        byte[] changed = new String(BODY, StandardCharsets.UTF_8).replace("roadrunner", "coyote").getBytes(StandardCharsets.UTF_8);
        assertStatus(() -> at(t).check(TIMESTAMP, SIGNATURE, changed), 401);
        assertStatus(() -> at(t).check(TIMESTAMP, SIGNATURE.replace("a2", "b2"), BODY), 401);
        assertStatus(() -> at(t).check(TIMESTAMP, SIGNATURE.substring(3), BODY), 401);
        assertStatus(() -> at(t).check(null, SIGNATURE, BODY), 401);
        assertStatus(() -> at(t).check(TIMESTAMP, null, BODY), 401);
        assertStatus(() -> at(t).check("yesterday", SIGNATURE, BODY), 401);
    }

    @Test
    void withoutASigningSecretSlackInteractionsAre404() {
        SlackSignature off = new SlackSignature("", Clock.systemUTC());
        assertThat(off.isEnabled()).isFalse();
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(
                new org.apache.camel.impl.DefaultCamelContext());
        exchange.getMessage().setBody(BODY);
        assertStatus(() -> off.verify(exchange), 404);
    }

    private static void assertStatus(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status) {
        assertThatThrownBy(call).isInstanceOfSatisfying(HttpProblem.class, p -> assertThat(p.status()).isEqualTo(status));
    }
}
