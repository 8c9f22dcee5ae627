package dev.alerthub.alert;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An Alertmanager-style silence: while {@code startsAt <= now < endsAt}, an alert whose labels
 * satisfy every matcher notifies nobody. Same matcher semantics as Alertmanager: a missing label
 * is the empty string, regexes are anchored, {@code isEqual: false} negates.
 */
public record Silence(String id, List<Matcher> matchers, Instant startsAt, Instant endsAt, String createdBy,
                      String comment) {

    public record Matcher(@JsonProperty("name") String name, @JsonProperty("value") String value,
                          @JsonProperty("isRegex") boolean isRegex, @JsonProperty("isEqual") Boolean isEqual) {
        public Matcher {
            isEqual = isEqual == null || isEqual;
        }

        public boolean matches(Map<String, String> labels) {
            String actual = labels.getOrDefault(name, "");
            boolean hit = isRegex ? Pattern.compile("^(?:" + value + ")$").matcher(actual).matches()
                    : actual.equals(value);
            return hit == isEqual;
        }
    }

    public boolean isActiveAt(Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt);
    }

    public boolean matches(Map<String, String> labels) {
        return matchers.stream().allMatch(m -> m.matches(labels));
    }

    /** Alertmanager's words: pending, active or expired. */
    public String state(Instant now) {
        return now.isBefore(startsAt) ? "pending" : now.isBefore(endsAt) ? "active" : "expired";
    }
}
