package dev.alerthub.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.metrics.Metrics;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.Json;
import dev.alerthub.alert.Silence;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Silences in the store, their HTTP API, and the check every alert event passes before the router. */
public class SilenceStore {
    /** Header set on an alert event that a silence mutes: the silence's id. */
    public static final String SILENCED_BY = "silencedBy";
    private static final Logger LOG = LoggerFactory.getLogger(SilenceStore.class);
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final TypeReference<List<Silence.Matcher>> MATCHERS = new TypeReference<>() {
    };

    private final Database db;
    private final Clock clock;
    private final Metrics metrics;

    public SilenceStore(Database db, Clock clock, Metrics metrics) {
        this.db = db;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Body: the alert of a claimed event. Sets header silencedBy when an active silence matches. A
     * resolve of an alert that already notified someone is never muted: the page it opened must close.
     */
    public void check(Exchange exchange) {
        Alert alert = exchange.getMessage().getBody(Alert.class);
        exchange.getMessage().removeHeader(SILENCED_BY);
        Instant now = clock.instant();
        for (Silence s : active(now)) {
            if (s.matches(alert.labels())) {
                if (!alert.isFiring() && wasNotified(alert.fingerprint())) {
                    return;
                }
                exchange.getMessage().setHeader(SILENCED_BY, s.id());
                metrics.count("alerthub.alerts.silenced");
                return;
            }
        }
    }

    public List<Silence> active(Instant now) {
        return query("SELECT * FROM silences WHERE starts_at <= ? AND ends_at > ?", now, now);
    }

    // --- HTTP API: GET/POST /api/silences, DELETE /api/silences/{id}

    public List<Map<String, Object>> list() {
        Instant now = clock.instant();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Silence s : query("SELECT * FROM silences ORDER BY ends_at DESC")) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", s.id());
            row.put("status", Map.of("state", s.state(now)));
            row.put("matchers", s.matchers());
            row.put("startsAt", s.startsAt());
            row.put("endsAt", s.endsAt());
            row.put("createdBy", s.createdBy());
            row.put("comment", s.comment());
            out.add(row);
        }
        return out;
    }

    /** Body: a silence as JSON. Answers {"silenceID": id}. */
    public Map<String, Object> create(Exchange exchange) {
        Silence s = parse(exchange.getMessage().getBody(String.class));
        Instant now = clock.instant();
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
                Database.bind(ps, s.id(), Json.write(s.matchers()), s.startsAt(), s.endsAt(), s.createdBy(),
                        s.comment(), now);
                return ps.executeUpdate();
            }
        });
        LOG.info("Silence {} by {} until {}: {} ({})", s.id(), s.createdBy(), s.endsAt(), s.matchers(), s.comment());
        return Map.of("silenceID", s.id());
    }

    /** Header id. Expires the silence now (as Alertmanager does); 404 when there is none. */
    public Map<String, Object> expire(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        Instant now = clock.instant();
        int n = db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE silences SET ends_at = CASE WHEN ends_at > ? THEN ? ELSE ends_at END, updated_at = ?"
                            + " WHERE id = ?")) {
                Database.bind(ps, now, now, now, id);
                return ps.executeUpdate();
            }
        });
        if (n == 0) {
            throw new NotFoundException("silence " + id + " does not exist");
        }
        LOG.info("Silence {} expired", id);
        return Map.of("silenceID", id, "status", Map.of("state", "expired"));
    }

    Silence parse(String body) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(body == null ? "" : body);
        } catch (Exception e) {
            throw new InvalidRequestException("malformed JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (n == null || !n.isObject()) {
            throw new InvalidRequestException("body: expected a silence object");
        }
        if (!n.path("matchers").isArray() || n.path("matchers").isEmpty()) {
            throw new InvalidRequestException("matchers: missing or empty; a silence needs at least one matcher");
        }
        List<Silence.Matcher> matchers;
        try {
            matchers = Json.MAPPER.convertValue(n.path("matchers"), MATCHERS);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("matchers: expected [{name, value, isRegex, isEqual}]");
        }
        for (int i = 0; i < matchers.size(); i++) {
            Silence.Matcher m = matchers.get(i);
            if (m.name() == null || !LABEL_NAME.matcher(m.name()).matches()) {
                throw new InvalidRequestException("matchers[" + i + "].name: '" + m.name() + "' is not a label name");
            }
            if (m.value() == null) {
                throw new InvalidRequestException("matchers[" + i + "].value: missing");
            }
            if (m.isRegex()) {
                try {
                    Pattern.compile(m.value());
                } catch (PatternSyntaxException e) {
                    throw new InvalidRequestException("matchers[" + i + "].value: not a valid regex: " + e.getDescription());
                }
            }
        }
        if (matchers.stream().allMatch(m -> m.matches(Map.of()))) {
            throw new InvalidRequestException("matchers: they match every alert (even one without labels);"
                    + " a silence must select something");
        }
        Instant now = clock.instant();
        Instant startsAt = n.hasNonNull("startsAt") ? time("startsAt", n.path("startsAt").asText()) : now;
        Instant endsAt = time("endsAt", n.path("endsAt").asText(null));
        if (endsAt == null) {
            throw new InvalidRequestException("endsAt: missing; a silence must end");
        }
        if (!endsAt.isAfter(startsAt) || !endsAt.isAfter(now)) {
            throw new InvalidRequestException("endsAt: must be after startsAt and in the future");
        }
        String createdBy = n.path("createdBy").asText("").trim();
        String comment = n.path("comment").asText("").trim();
        if (createdBy.isEmpty()) {
            throw new InvalidRequestException("createdBy: missing; say who silenced it");
        }
        if (comment.isEmpty()) {
            throw new InvalidRequestException("comment: missing; say why");
        }
        return new Silence(UUID.randomUUID().toString(), List.copyOf(matchers), startsAt, endsAt, createdBy, comment);
    }

    private static Instant time(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(field + ": '" + value + "' is not an RFC 3339 time");
        }
    }

    private boolean wasNotified(String fingerprint) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM alerts WHERE fingerprint = ? AND last_notified_at IS NOT NULL")) {
                ps.setString(1, fingerprint);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    private List<Silence> query(String sql, Object... params) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Database.bind(ps, params);
                List<Silence> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Silence(rs.getString("id"),
                                Json.MAPPER.readValue(rs.getString("matchers"), MATCHERS),
                                Database.instant(rs, "starts_at"), Database.instant(rs, "ends_at"),
                                rs.getString("created_by"), rs.getString("comment")));
                    }
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException("unreadable silence matchers", e);
                }
                return out;
            }
        });
    }
}
