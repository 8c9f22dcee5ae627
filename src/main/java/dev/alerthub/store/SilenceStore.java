package dev.alerthub.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.alerthub.alert.Alert;
import dev.alerthub.alert.InvalidMatcherException;
import dev.alerthub.alert.Json;
import dev.alerthub.alert.Matcher;
import dev.alerthub.alert.Matchers;
import dev.alerthub.alert.Silence;
import dev.alerthub.alert.Windows;
import dev.alerthub.metrics.Metrics;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Silences in the store, their HTTP API, the check every alert event passes before the router, and
 * what happens when a silence ends (docs/routing.md, "When a silence ends").
 */
public class SilenceStore {
    /** Header set on an alert event that a silence mutes: the silence's id. */
    public static final String SILENCED_BY = "silencedBy";
    private static final Logger LOG = LoggerFactory.getLogger(SilenceStore.class);

    /** An active silence as the check needs it: its id, its compiled matchers, its recurring window if any. */
    private record Active(String id, Matchers matchers, String timeInterval) {
    }

    private final Database db;
    private final Clock clock;
    private final Metrics metrics;
    private final Mutes mutes;
    /** Compiled matchers by silence id: a silence's matchers never change, so each is compiled once. */
    private final Map<String, Active> compiled = new ConcurrentHashMap<>();
    /**
     * How long the ids of the active silences are reused before the store is asked again (each alert
     * routed asks): a silence made or expired through this hub counts at once; one made on another
     * replica within this long; one that starts or ends by time exactly when it does.
     */
    private static final java.time.Duration ACTIVE_IDS_FOR = java.time.Duration.ofSeconds(1);

    /** The active ids as read at {@code readAt}, valid until the first start or end after it. */
    private record ActiveIds(Set<String> ids, Instant readAt, Instant until, long version) {
        boolean validFor(Instant now) {
            return !now.isBefore(readAt) && now.isBefore(until);
        }
    }

    private volatile ActiveIds activeIds;
    /** Bumped by every change of a silence through this hub: the cached active ids are read again. */
    private volatile long changes;
    private volatile Windows windows = Windows.NONE;
    private volatile Inhibitions inhibitions;

    public SilenceStore(Database db, Clock clock, Metrics metrics) {
        this.db = db;
        this.clock = clock;
        this.metrics = metrics;
        this.mutes = new Mutes(db, clock);
    }

    /** The named time intervals recurring silences follow (the lifecycle's, bound after the store). */
    public void useWindows(Windows windows) {
        this.windows = windows;
    }

    /** The inhibitions the sweep also releases (and re-checks before it re-routes anything). */
    public void useInhibitions(Inhibitions inhibitions) {
        this.inhibitions = inhibitions;
    }

    Mutes mutes() {
        return mutes;
    }

    /**
     * Body: the alert of a claimed event (header eventId). Sets header silencedBy when nobody is to be
     * told: a firing that an active silence matches (recorded, to be told when the silence ends); a
     * resolve whose firing was muted. A resolve whose firing was routed is never muted: the page it
     * opened must close, whatever matches now.
     */
    public void check(Exchange exchange) {
        Message msg = exchange.getMessage();
        Alert alert = msg.getBody(Alert.class);
        msg.removeHeader(SILENCED_BY);
        Long eventId = msg.getHeader(Outbox.EVENT_ID, Long.class);
        String mutedBy = alert.isFiring() ? matching(alert.labels(), active(clock.instant()))
                : mutedResolve(alert, eventId == null ? Long.MAX_VALUE : eventId);
        if (mutedBy == null) {
            return;
        }
        if (alert.isFiring() && eventId != null) {
            mutes.record(eventId, alert, Mutes.By.silence(mutedBy));
        }
        msg.setHeader(SILENCED_BY, mutedBy);
        metrics.count("alerthub.alerts.silenced");
    }

    private String mutedResolve(Alert alert, long eventId) {
        Mutes.Firing firing = mutes.firingOf(alert, eventId);
        return switch (firing.heard()) {
            case YES -> null;
            case MUTED -> firing.silenceId();
            case UNKNOWN -> matching(alert.labels(), active(clock.instant()));
        };
    }

    /**
     * The sweep (routes/route/silence-end.camel.yaml): firings muted by a silence that is no longer
     * active (expired, deleted, or a recurring one whose window closed), or inhibited by a source
     * alert that no longer fires, and that still fire go back to the outbox, once, unless an active
     * silence or another inhibition mutes them now. Returns their event ids for the router.
     */
    public List<Long> endMutes() {
        Instant now = clock.instant();
        List<Active> active = active(now);
        // the cache forgets silences that ended (a closed window's silence stays: it is still active by time)
        compiled.keySet().retainAll(activeIds(now));
        Inhibitions inhibiting = inhibitions;
        List<Mutes.Muted> ended = mutes.whoseMuteEnded(active.stream().map(Active::id).toList(),
                inhibiting == null ? List.of() : inhibiting.ruleNames());
        List<Long> notify = new ArrayList<>();
        for (Mutes.Muted m : ended) {
            Long id = mutes.release(m, alert -> {
                String silence = matching(alert.labels(), active);
                return silence != null ? Mutes.By.silence(silence)
                        : inhibiting == null ? null : inhibiting.inhibiting(alert);
            });
            if (id != null) {
                notify.add(id);
                metrics.count("alerthub.alerts.unmuted");
            }
        }
        if (!notify.isEmpty()) {
            LOG.info("{} alert(s) muted by a silence, window or inhibition that has ended still fire: notifying them now",
                    notify.size());
        }
        return notify;
    }

    private static String matching(Map<String, String> labels, List<Active> active) {
        for (Active s : active) {
            if (s.matchers().matches(labels)) {
                return s.id();
            }
        }
        return null;
    }

    /** The ids of the silences active now by time (recurring ones whatever their window), in check order. */
    private Set<String> activeIds(Instant now) {
        ActiveIds known = activeIds;
        if (known != null && known.version() == changes && known.validFor(now)) {
            return known.ids();
        }
        long version = changes;
        ActiveIds read = db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, starts_at, ends_at FROM silences WHERE ends_at > ? ORDER BY starts_at, id")) {
                Database.bind(ps, now);
                Set<String> out = new LinkedHashSet<>();
                Instant until = now.plus(ACTIVE_IDS_FOR);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Instant starts = Database.instant(rs, "starts_at");
                        Instant ends = Database.instant(rs, "ends_at");
                        if (!starts.isAfter(now)) {
                            out.add(rs.getString(1));
                            until = ends.isBefore(until) ? ends : until;
                        } else {
                            until = starts.isBefore(until) ? starts : until;
                        }
                    }
                }
                return new ActiveIds(out, now, until, version);
            }
        });
        activeIds = read;
        return read.ids();
    }


    /**
     * The silences active now, their matchers compiled once per silence (read when first seen); a
     * recurring one only while its window is open.
     */
    private List<Active> active(Instant now) {
        Set<String> ids = activeIds(now);
        if (!compiled.keySet().containsAll(ids)) {
            for (Silence s : query("SELECT * FROM silences WHERE starts_at <= ? AND ends_at > ?", now, now)) {
                compiled.putIfAbsent(s.id(), new Active(s.id(), s.matchers(), s.timeInterval()));
            }
        }
        List<Active> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            Active a = compiled.get(id);
            if (a != null && (a.timeInterval() == null || windows.isOpen(a.timeInterval()))) {
                out.add(a);
            }
        }
        return out;
    }

    // --- HTTP API: GET/POST /api/silences, DELETE /api/silences/{id}

    public List<Map<String, Object>> list() {
        Instant now = clock.instant();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Silence s : query("SELECT * FROM silences ORDER BY ends_at DESC")) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", s.id());
            row.put("status", Map.of("state", s.state(now, windows)));
            row.put("matchers", s.matchers());
            row.put("matchersText", s.matchers().toString());
            row.put("startsAt", s.startsAt());
            row.put("endsAt", s.endsAt().equals(Silence.OPEN_END) ? null : s.endsAt());
            if (s.isRecurring()) {
                row.put("timeInterval", s.timeInterval());
            }
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
                    INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, updated_at, time_interval)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
                Database.bind(ps, s.id(), Json.write(s.matchers()), s.startsAt(), s.endsAt(), s.createdBy(),
                        s.comment(), now, s.timeInterval());
                return ps.executeUpdate();
            }
        });
        compiled.put(s.id(), new Active(s.id(), s.matchers(), s.timeInterval()));
        changes++;
        LOG.info("Silence {} by {} {}: {} ({})", s.id(), s.createdBy(), s.isRecurring() ? "whenever time interval '"
                + s.timeInterval() + "' is active" : "until " + s.endsAt(), s.matchers(), s.comment());
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
        changes++;
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
        Matchers matchers = matchers(n.path("matchers"));
        if (matchers.isEmpty()) {
            throw new InvalidRequestException("matchers: missing or empty; a silence needs at least one matcher");
        }
        if (matchers.matches(Map.of())) {
            throw new InvalidRequestException("matchers: they match every alert (even one without labels);"
                    + " a silence must select something");
        }
        Instant now = clock.instant();
        String createdBy = n.path("createdBy").asText("").trim();
        String comment = n.path("comment").asText("").trim();
        if (createdBy.isEmpty()) {
            throw new InvalidRequestException("createdBy: missing; say who silenced it");
        }
        if (comment.isEmpty()) {
            throw new InvalidRequestException("comment: missing; say why");
        }
        if (n.has("timeInterval")) {
            return recurring(n, matchers, now, createdBy, comment);
        }
        Instant startsAt = n.hasNonNull("startsAt") ? time("startsAt", n.path("startsAt").asText()) : now;
        Instant endsAt = time("endsAt", n.path("endsAt").asText(null));
        if (endsAt == null) {
            throw new InvalidRequestException("endsAt: missing; a silence must end");
        }
        if (!endsAt.isAfter(startsAt) || !endsAt.isAfter(now)) {
            throw new InvalidRequestException("endsAt: must be after startsAt and in the future");
        }
        return new Silence(UUID.randomUUID().toString(), matchers, startsAt, endsAt, createdBy, comment);
    }

    /** {@code timeInterval: name} instead of startsAt/endsAt: active whenever that time interval is, until deleted. */
    private Silence recurring(JsonNode n, Matchers matchers, Instant now, String createdBy, String comment) {
        if (n.has("startsAt") || n.has("endsAt")) {
            throw new InvalidRequestException("timeInterval: give either timeInterval (a recurring silence) or"
                    + " startsAt/endsAt, not both");
        }
        JsonNode name = n.path("timeInterval");
        if (!name.isTextual() || name.asText().isBlank()) {
            throw new InvalidRequestException("timeInterval: expected the name of a time interval of"
                    + " time-intervals.yaml");
        }
        if (!windows.isDefined(name.asText())) {
            throw new InvalidRequestException("timeInterval: " + windows.unknown(name.asText()));
        }
        return new Silence(UUID.randomUUID().toString(), matchers, now, Silence.OPEN_END, createdBy, comment,
                name.asText());
    }

    /**
     * Either Alertmanager's JSON list [{name, value, isRegex, isEqual}] or its matcher syntax as one
     * string, {@code {alertname=~"High.*", namespace!="dev"}}. Errors name the matcher.
     */
    private static Matchers matchers(JsonNode node) {
        if (node.isTextual()) {
            try {
                return Matchers.parse(node.asText());
            } catch (InvalidMatcherException e) {
                throw new InvalidRequestException("matchers: " + e.getMessage());
            }
        }
        if (!node.isArray()) {
            throw new InvalidRequestException("matchers: missing or empty; give [{name, value, isRegex, isEqual}]"
                    + " or an expression such as {alertname=\"HighLatency\", namespace!=\"dev\"}");
        }
        List<Matcher> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            if (!m.isObject() || !m.path("name").isTextual() || !m.path("value").isTextual()
                    || !(m.path("isRegex").isMissingNode() || m.path("isRegex").isBoolean())
                    || !(m.path("isEqual").isMissingNode() || m.path("isEqual").isBoolean())) {
                throw new InvalidRequestException("matchers[" + i + "]: expected {name, value, isRegex, isEqual}"
                        + " with text name and value and true/false flags");
            }
            try {
                out.add(Matcher.fromJson(m.path("name").asText(), m.path("value").asText(),
                        m.path("isRegex").asBoolean(false), m.path("isEqual").asBoolean(true)));
            } catch (InvalidMatcherException e) {
                throw new InvalidRequestException("matchers[" + i + "] (name '" + m.path("name").asText() + "'): "
                        + e.getMessage());
            }
        }
        return new Matchers(out);
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

    private List<Silence> query(String sql, Object... params) {
        return db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Database.bind(ps, params);
                List<Silence> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Matchers matchers = stored(rs.getString("id"), rs.getString("matchers"));
                        if (matchers != null) {
                            out.add(new Silence(rs.getString("id"), matchers, Database.instant(rs, "starts_at"),
                                    Database.instant(rs, "ends_at"), rs.getString("created_by"), rs.getString("comment"),
                                    rs.getString("time_interval")));
                        }
                    }
                }
                return out;
            }
        });
    }

    /** Null, with a warning, for a silence stored before matchers were RE2 that RE2 cannot compile. */
    private Matchers stored(String id, String json) {
        Active known = compiled.get(id);
        if (known != null) {
            return known.matchers();
        }
        try {
            return Json.read(json, Matchers.class);
        } catch (RuntimeException e) {
            LOG.warn("Silence {} is ignored: its matchers {} are not valid RE2 matchers ({})", id, json, e.getMessage());
            return null;
        }
    }
}
