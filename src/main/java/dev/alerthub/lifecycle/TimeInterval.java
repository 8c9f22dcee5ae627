package dev.alerthub.lifecycle;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * One entry of a named interval's {@code time_intervals}, with Alertmanager's semantics
 * (prometheus/alertmanager {@code timeinterval.ContainsTime}): every field that is present must
 * match, an absent field matches everything; ranges are inclusive except {@code times}, whose end
 * minute is exclusive; days of month may count back from the month's end ({@code -1} is its last
 * day). Fields are compared on the wall clock of {@code location}, so "02:00-04:00 Europe/Berlin"
 * follows the clock on the wall through DST changes (one hour long on the spring-forward Sunday,
 * three on the fall-back one, as in Alertmanager).
 *
 * @param times       minute-of-day ranges [start, end), or null when absent
 * @param weekdays    0 = Sunday .. 6 = Saturday, or null
 * @param daysOfMonth 1..31 or -31..-1, or null
 * @param months      1..12, or null
 * @param years       or null
 */
public record TimeInterval(List<Range> times, List<Range> weekdays, List<Range> daysOfMonth, List<Range> months,
                           List<Range> years, ZoneId location) {

    /** An inclusive range of integers (for {@code times}: start minute inclusive, end minute exclusive). */
    public record Range(int begin, int end) {
        boolean contains(int v) {
            return v >= begin && v <= end;
        }
    }

    public TimeInterval {
        location = location == null ? ZoneId.of("UTC") : location;
    }

    public boolean contains(Instant instant) {
        ZonedDateTime t = instant.atZone(location);
        int minute = t.getHour() * 60 + t.getMinute();
        if (times != null && times.stream().noneMatch(r -> minute >= r.begin() && minute < r.end())) {
            return false;
        }
        if (daysOfMonth != null && daysOfMonth.stream().noneMatch(r -> dayOfMonthMatches(r, t))) {
            return false;
        }
        if (months != null && months.stream().noneMatch(r -> r.contains(t.getMonthValue()))) {
            return false;
        }
        int weekday = t.getDayOfWeek().getValue() % 7; // java: Monday = 1 .. Sunday = 7; Alertmanager: Sunday = 0
        if (weekdays != null && weekdays.stream().noneMatch(r -> r.contains(weekday))) {
            return false;
        }
        return years == null || years.stream().anyMatch(r -> r.contains(t.getYear()));
    }

    /**
     * Negative days count from the month's end; a range starting after the month's last day matches
     * nothing that month, and its end is clamped to the month (so "1:31" covers all of February).
     * Alertmanager derives the month's length from elapsed hours, which makes a month with a DST
     * change one day short in zones with DST; here it is the calendar's length.
     */
    private static boolean dayOfMonthMatches(Range r, ZonedDateTime t) {
        int days = YearMonth.from(t).lengthOfMonth();
        int begin = r.begin() < 0 ? days + r.begin() + 1 : r.begin();
        int end = r.end() < 0 ? days + r.end() + 1 : r.end();
        if (begin > days) {
            return false;
        }
        begin = Math.max(-days, Math.min(begin, days));
        end = Math.max(-days, Math.min(end, days));
        return t.getDayOfMonth() >= begin && t.getDayOfMonth() <= end;
    }
}
