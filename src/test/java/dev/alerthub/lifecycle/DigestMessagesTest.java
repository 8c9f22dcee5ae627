package dev.alerthub.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The digest as a mail (text and escaped HTML) and as a Slack message (text fallback and blocks). */
class DigestMessagesTest {
    static final DigestMessages MESSAGES = new DigestMessages(ZoneId.of("Europe/Berlin"));

    static Digest digest() {
        Map<String, Long> sev = new LinkedHashMap<>();
        sev.put("critical", 3L);
        sev.put("warning", 1L);
        sev.put("info", 0L);
        return new Digest(Instant.parse("2026-12-01T07:00:00Z"), Instant.parse("2026-12-02T07:00:00Z"), 24,
                new Digest.Counts(4, sev, Map.of("<payments>", 3L)),
                new Digest.Counts(2, sev, Map.of()),
                new Digest.TimeToResolve(2, 600L, 14_400L),
                List.of(new Digest.Noisy("HighErrorRate<script>", "shop & co", 3)),
                List.of(new Digest.ActionOutcome("rollback", "done", 2)),
                new Digest.DeadLetters(1, Map.of("slack", 1L), 1),
                new Digest.StillFiring(1, sev, List.of(new Digest.Firing("fp", "DiskFull", "db", "warning",
                        Instant.parse("2026-12-01T10:00:00Z")))),
                false);
    }

    @Test
    void theMailSaysEveryFigureInTextAndEscapesTheHtml() {
        JsonNode mail = Json.read(MESSAGES.email(digest()), JsonNode.class);
        assertThat(mail.path("subject").asText())
                .isEqualTo("[DIGEST] alerthub, last 24h: 4 fired, 2 resolved, 1 still firing");
        String text = mail.path("text").asText();
        assertThat(text).contains("Fired:             4 (3 critical, 1 warning)")
                .contains("Fired by team:     <payments> 3")
                .contains("Time to resolve:   p50 10m 00s, p90 4h 00m (2 resolved)")
                .contains("Noisiest:          HighErrorRate<script> (shop & co) x3")
                .contains("Remediation:       rollback done x2")
                .contains("Dead letters:      1 (slack 1), 1 not replayed")
                .contains("DiskFull (db), warning, since 2026-12-01 11:00 CET")
                .contains("From 2026-12-01 08:00 CET to 2026-12-02 08:00 CET");
        String html = mail.path("html").asText();
        assertThat(html).contains("HighErrorRate&lt;script&gt; (shop &amp; co) x3").contains("&lt;payments&gt; 3")
                .doesNotContain("<script>").doesNotContain("<payments>");
    }

    @Test
    void theSlackMessageHasAFallbackTextAndBlocksWithEscapedValues() {
        JsonNode msg = Json.read(MESSAGES.slack(digest()), JsonNode.class);
        assertThat(msg.path("text").asText()).isEqualTo("[DIGEST] alerthub, last 24h: 4 fired, 2 resolved, 1 still firing");
        JsonNode blocks = msg.path("blocks");
        assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).at("/text/text").asText()).isEqualTo("Alert digest: the last 24 hours");
        JsonNode fields = blocks.get(1).path("fields");
        assertThat(fields.size()).isLessThanOrEqualTo(10);
        assertThat(fields.toString()).contains("*Noisiest*\\nHighErrorRate&lt;script&gt; (shop &amp; co) x3")
                .doesNotContain("<script>");
        assertThat(blocks.get(2).at("/text/text").asText()).contains("• DiskFull (db), warning, since 2026-12-01 11:00 CET");
        assertThat(blocks.get(3).path("type").asText()).isEqualTo("context");
    }

    @Test
    void durationsReadAsTheirTwoLargestUnits() {
        assertThat(DigestMessages.human(45)).isEqualTo("45s");
        assertThat(DigestMessages.human(725)).isEqualTo("12m 05s");
        assertThat(DigestMessages.human(12_000)).isEqualTo("3h 20m");
        assertThat(DigestMessages.human(187_200)).isEqualTo("2d 4h");
    }

    @Test
    void nothingResolvedIsSaidInWords() {
        Digest d = digest();
        Digest none = new Digest(d.from(), d.to(), 24, d.fired(), d.resolved(), new Digest.TimeToResolve(0, null, null),
                List.of(), List.of(), new Digest.DeadLetters(0, Map.of(), 0), new Digest.StillFiring(0, Map.of(), List.of()),
                true);
        String text = Json.read(MESSAGES.email(none), JsonNode.class).path("text").asText();
        assertThat(text).contains("Time to resolve:   nothing resolved").contains("Noisiest:          none")
                .contains("Remediation:       none").contains("counts are lower bounds");
    }
}
