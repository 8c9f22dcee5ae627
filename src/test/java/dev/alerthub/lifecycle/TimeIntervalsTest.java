package dev.alerthub.lifecycle;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Evaluation of every time-interval field, with Alertmanager's semantics, at fixed instants. */
class TimeIntervalsTest {
    @TempDir
    Path dir;

    private TimeIntervals load(String yaml) throws Exception {
        Path f = dir.resolve("time-intervals.yaml");
        Files.writeString(f, yaml);
        return TimeIntervals.load(f, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    }

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    @Test
    void timesIncludeTheStartMinuteAndExcludeTheEndMinute() throws Exception {
        TimeIntervals t = load("""
                - name: work
                  time_intervals:
                    - times: [{start_time: "09:00", end_time: "17:00"}]
                """);
        assertThat(t.active("work", at("2026-12-02T08:59:59Z"))).isFalse();
        assertThat(t.active("work", at("2026-12-02T09:00:00Z"))).isTrue();
        assertThat(t.active("work", at("2026-12-02T16:59:59Z"))).isTrue();
        assertThat(t.active("work", at("2026-12-02T17:00:00Z"))).isFalse();
    }

    @Test
    void aNightWindowAcrossMidnightIsTwoRangesAndCoversBothSides() throws Exception {
        TimeIntervals t = load("""
                - name: night
                  time_intervals:
                    - times:
                        - {start_time: "22:00", end_time: "24:00"}
                        - {start_time: "00:00", end_time: "06:00"}
                """);
        assertThat(t.active("night", at("2026-12-02T21:59:00Z"))).isFalse();
        assertThat(t.active("night", at("2026-12-02T22:00:00Z"))).isTrue();
        assertThat(t.active("night", at("2026-12-02T23:59:59Z"))).as("24:00 reaches the day's last minute").isTrue();
        assertThat(t.active("night", at("2026-12-03T00:00:00Z"))).isTrue();
        assertThat(t.active("night", at("2026-12-03T05:59:59Z"))).isTrue();
        assertThat(t.active("night", at("2026-12-03T06:00:00Z"))).isFalse();
    }

    @Test
    void weekdayRangesAreInclusiveAndSundayIsTheirFirstDay() throws Exception {
        TimeIntervals t = load("""
                - name: weekdays
                  time_intervals:
                    - weekdays: ['monday:friday']
                - name: sunday
                  time_intervals:
                    - weekdays: ['Sunday']
                """);
        // 2026-12-07 is a Monday, 2026-12-11 a Friday
        assertThat(t.active("weekdays", at("2026-12-06T23:59:59Z"))).isFalse();
        assertThat(t.active("weekdays", at("2026-12-07T00:00:00Z"))).isTrue();
        assertThat(t.active("weekdays", at("2026-12-11T23:59:59Z"))).isTrue();
        assertThat(t.active("weekdays", at("2026-12-12T00:00:00Z"))).isFalse();
        assertThat(t.active("sunday", at("2026-12-06T12:00:00Z"))).isTrue();
        assertThat(t.active("sunday", at("2026-12-07T12:00:00Z"))).isFalse();
    }

    @Test
    void daysOfMonthCountBackFromTheEndOfEachMonth() throws Exception {
        TimeIntervals t = load("""
                - name: first-days
                  time_intervals:
                    - days_of_month: ['1:5']
                - name: last-day
                  time_intervals:
                    - days_of_month: ['-1']
                - name: last-three
                  time_intervals:
                    - days_of_month: ['-3:-1']
                - name: thirty-first
                  time_intervals:
                    - days_of_month: ['31']
                - name: whole-month
                  time_intervals:
                    - days_of_month: ['1:31']
                """);
        assertThat(t.active("first-days", at("2026-12-05T23:00:00Z"))).isTrue();
        assertThat(t.active("first-days", at("2026-12-06T00:00:00Z"))).isFalse();
        assertThat(t.active("last-day", at("2026-02-28T12:00:00Z"))).as("February 2026 has 28 days").isTrue();
        assertThat(t.active("last-day", at("2028-02-28T12:00:00Z"))).as("February 2028 has 29").isFalse();
        assertThat(t.active("last-day", at("2028-02-29T12:00:00Z"))).isTrue();
        assertThat(t.active("last-day", at("2026-12-31T12:00:00Z"))).isTrue();
        assertThat(t.active("last-three", at("2026-04-27T12:00:00Z"))).isFalse();
        assertThat(t.active("last-three", at("2026-04-28T12:00:00Z"))).isTrue();
        assertThat(t.active("thirty-first", at("2026-04-30T12:00:00Z"))).as("April has no 31st").isFalse();
        assertThat(t.active("whole-month", at("2026-02-28T12:00:00Z"))).as("clamped to the month").isTrue();
    }

    @Test
    void monthsByNameOrNumberAndYearsAreInclusiveRanges() throws Exception {
        TimeIntervals t = load("""
                - name: q1-and-december
                  time_intervals:
                    - months: ['january:march', '12']
                - name: next-two-years
                  time_intervals:
                    - years: ['2026:2027']
                """);
        assertThat(t.active("q1-and-december", at("2026-01-01T00:00:00Z"))).isTrue();
        assertThat(t.active("q1-and-december", at("2026-03-31T23:59:59Z"))).isTrue();
        assertThat(t.active("q1-and-december", at("2026-04-01T00:00:00Z"))).isFalse();
        assertThat(t.active("q1-and-december", at("2026-12-24T00:00:00Z"))).isTrue();
        assertThat(t.active("next-two-years", at("2025-12-31T23:59:59Z"))).isFalse();
        assertThat(t.active("next-two-years", at("2027-12-31T23:59:59Z"))).isTrue();
        assertThat(t.active("next-two-years", at("2028-01-01T00:00:00Z"))).isFalse();
    }

    @Test
    void everyFieldGivenMustMatchButAnyEntryOfANameSuffices() throws Exception {
        TimeIntervals t = load("""
                - name: weekday-mornings-or-saturday
                  time_intervals:
                    - times: [{start_time: "06:00", end_time: "12:00"}]
                      weekdays: ['monday:friday']
                    - weekdays: ['saturday']
                """);
        assertThat(t.active("weekday-mornings-or-saturday", at("2026-12-07T07:00:00Z"))).isTrue();
        assertThat(t.active("weekday-mornings-or-saturday", at("2026-12-07T13:00:00Z")))
                .as("a Monday afternoon: the time does not match").isFalse();
        assertThat(t.active("weekday-mornings-or-saturday", at("2026-12-06T07:00:00Z")))
                .as("a Sunday morning: the weekday does not match").isFalse();
        assertThat(t.active("weekday-mornings-or-saturday", at("2026-12-12T22:00:00Z")))
                .as("any time on Saturday: the second entry").isTrue();
    }

    @Test
    void fieldsAreReadOnTheLocationsWallClockAndUtcByDefault() throws Exception {
        TimeIntervals t = load("""
                - name: berlin-morning
                  time_intervals:
                    - times: [{start_time: "09:00", end_time: "10:00"}]
                      location: Europe/Berlin
                - name: utc-morning
                  time_intervals:
                    - times: [{start_time: "09:00", end_time: "10:00"}]
                - name: tokyo-monday
                  time_intervals:
                    - weekdays: ['monday']
                      location: Asia/Tokyo
                """);
        // 09:00 in Berlin is 08:00 UTC in winter
        assertThat(t.active("berlin-morning", at("2026-12-02T08:30:00Z"))).isTrue();
        assertThat(t.active("berlin-morning", at("2026-12-02T09:30:00Z"))).isFalse();
        assertThat(t.active("utc-morning", at("2026-12-02T09:30:00Z"))).isTrue();
        // Sunday 2026-12-06 20:00 UTC is already Monday 05:00 in Tokyo
        assertThat(t.active("tokyo-monday", at("2026-12-06T20:00:00Z"))).isTrue();
        assertThat(t.active("tokyo-monday", at("2026-12-06T14:00:00Z"))).isFalse();
    }

    @Test
    void sundayMaintenanceInBerlinFollowsTheWallClockOnBothDstSundays() throws Exception {
        TimeIntervals t = load("""
                - name: sunday-maintenance
                  time_intervals:
                    - times: [{start_time: "02:00", end_time: "04:00"}]
                      weekdays: ['sunday']
                      location: Europe/Berlin
                """);
        // 2026-03-29: at 02:00 CET (01:00 UTC) the clocks jump to 03:00 CEST; 02:00-03:00 does not exist,
        // so the window is 03:00-04:00 CEST = 01:00-02:00 UTC, one hour
        assertThat(t.active("sunday-maintenance", at("2026-03-29T00:59:59Z"))).as("01:59:59 CET").isFalse();
        assertThat(t.active("sunday-maintenance", at("2026-03-29T01:00:00Z"))).as("03:00 CEST").isTrue();
        assertThat(t.active("sunday-maintenance", at("2026-03-29T01:59:59Z"))).as("03:59:59 CEST").isTrue();
        assertThat(t.active("sunday-maintenance", at("2026-03-29T02:00:00Z"))).as("04:00 CEST").isFalse();
        // 2026-10-25: at 03:00 CEST (01:00 UTC) the clocks go back to 02:00 CET; 02:00-03:00 happens
        // twice, so the window is 02:00 CEST to 04:00 CET = 00:00-03:00 UTC, three hours
        assertThat(t.active("sunday-maintenance", at("2026-10-24T23:59:59Z"))).as("01:59:59 CEST").isFalse();
        assertThat(t.active("sunday-maintenance", at("2026-10-25T00:00:00Z"))).as("02:00 CEST").isTrue();
        assertThat(t.active("sunday-maintenance", at("2026-10-25T01:30:00Z"))).as("02:30 CET, the second time").isTrue();
        assertThat(t.active("sunday-maintenance", at("2026-10-25T02:59:59Z"))).as("03:59:59 CET").isTrue();
        assertThat(t.active("sunday-maintenance", at("2026-10-25T03:00:00Z"))).as("04:00 CET").isFalse();
        // an ordinary Sunday in summer: 02:00-04:00 CEST = 00:00-02:00 UTC
        assertThat(t.active("sunday-maintenance", at("2026-07-05T00:00:00Z"))).isTrue();
        assertThat(t.active("sunday-maintenance", at("2026-07-05T02:00:00Z"))).isFalse();
    }

    @Test
    void aWindowAcrossMidnightOnTheDstNightStaysOnTheWallClock() throws Exception {
        TimeIntervals t = load("""
                - name: saturday-night
                  time_intervals:
                    - times: [{start_time: "23:00", end_time: "24:00"}]
                      weekdays: ['saturday']
                      location: Europe/Berlin
                    - times: [{start_time: "00:00", end_time: "03:30"}]
                      weekdays: ['sunday']
                      location: Europe/Berlin
                """);
        // Saturday 2026-03-28 23:00 CET = 22:00 UTC; Sunday 03:30 CEST = 01:30 UTC
        assertThat(t.active("saturday-night", at("2026-03-28T21:59:59Z"))).isFalse();
        assertThat(t.active("saturday-night", at("2026-03-28T22:00:00Z"))).isTrue();
        assertThat(t.active("saturday-night", at("2026-03-28T23:00:00Z"))).as("Sunday 00:00 CET").isTrue();
        assertThat(t.active("saturday-night", at("2026-03-29T01:29:59Z"))).as("03:29:59 CEST").isTrue();
        assertThat(t.active("saturday-night", at("2026-03-29T01:30:00Z"))).as("03:30 CEST").isFalse();
    }

    @Test
    void dayMonthAndYearChangeAtTheLocationsMidnightNotAtUtcs() throws Exception {
        TimeIntervals t = load("""
                - name: new-year-berlin
                  time_intervals:
                    - years: ['2027']
                      months: ['january']
                      days_of_month: ['1']
                      location: Europe/Berlin
                - name: last-day-of-march-berlin
                  time_intervals:
                    - days_of_month: ['-1']
                      months: ['march']
                      location: Europe/Berlin
                """);
        // 2026-12-31 23:30 UTC is already 2027-01-01 00:30 in Berlin: year, month and day all flipped
        assertThat(t.active("new-year-berlin", at("2026-12-31T22:59:59Z"))).as("23:59:59 on Dec 31st in Berlin").isFalse();
        assertThat(t.active("new-year-berlin", at("2026-12-31T23:00:00Z"))).as("00:00 on Jan 1st in Berlin").isTrue();
        assertThat(t.active("new-year-berlin", at("2027-01-01T22:59:59Z"))).isTrue();
        assertThat(t.active("new-year-berlin", at("2027-01-01T23:00:00Z"))).as("Jan 2nd in Berlin").isFalse();
        // March has its DST change (a 23-hour day), yet -1 is March 31st, in CEST (UTC+2)
        assertThat(t.active("last-day-of-march-berlin", at("2026-03-30T21:59:59Z"))).as("March 30th 23:59:59 CEST").isFalse();
        assertThat(t.active("last-day-of-march-berlin", at("2026-03-30T22:00:00Z"))).as("March 31st 00:00 CEST").isTrue();
        assertThat(t.active("last-day-of-march-berlin", at("2026-03-31T21:59:59Z"))).isTrue();
        assertThat(t.active("last-day-of-march-berlin", at("2026-03-31T22:00:00Z"))).as("April 1st in Berlin").isFalse();
    }

    @Test
    void aRecurringSilenceAsksWhetherItsWindowIsOpenOnTheClock() throws Exception {
        Path f = dir.resolve("w.yaml");
        Files.writeString(f, """
                - name: sunday-maintenance
                  time_intervals:
                    - times: [{start_time: "02:00", end_time: "04:00"}]
                      weekdays: ['sunday']
                      location: Europe/Berlin
                """);
        // the fall-back Sunday: 02:30 CET (the second 02:30) is 01:30 UTC, still inside the window
        dev.alerthub.alert.Windows open = TimeIntervals.load(f, Clock.fixed(at("2026-10-25T01:30:00Z"), ZoneOffset.UTC));
        assertThat(open.isOpen("sunday-maintenance")).isTrue();
        assertThat(open.isOpen("undefined")).as("a name no longer defined is closed, not an error").isFalse();
        assertThat(TimeIntervals.load(f, Clock.fixed(at("2026-10-25T03:00:00Z"), ZoneOffset.UTC))
                .isOpen("sunday-maintenance")).as("04:00 CET").isFalse();
    }

    @Test
    void activeWithoutAnInstantAsksTheClock() throws Exception {
        Path f = dir.resolve("t.yaml");
        Files.writeString(f, """
                - name: work
                  time_intervals:
                    - times: [{start_time: "09:00", end_time: "17:00"}]
                """);
        assertThat(TimeIntervals.load(f, Clock.fixed(at("2026-12-02T10:00:00Z"), ZoneOffset.UTC)).active("work"))
                .isTrue();
        assertThat(TimeIntervals.load(f, Clock.fixed(at("2026-12-02T18:00:00Z"), ZoneOffset.UTC)).active("work"))
                .isFalse();
    }

    @Test
    void anUnknownNameIsAClearErrorSuggestingTheClosest() throws Exception {
        TimeIntervals t = load("""
                - name: business-hours
                  time_intervals:
                    - weekdays: ['monday:friday']
                """);
        assertThatThrownBy(() -> t.active("busines-hours"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("time interval 'busines-hours' is not defined in " + dir.resolve("time-intervals.yaml"))
                .hasMessageContaining("did you mean 'business-hours'?");
    }

    @Test
    void aMissingFileDefinesNoIntervals() {
        TimeIntervals t = TimeIntervals.load(dir.resolve("absent.yaml"), Clock.systemUTC());
        assertThat(t.names()).isEmpty();
        assertThatThrownBy(() -> t.active("business-hours")).hasMessageContaining("it defines none");
    }

    @Test
    void alertmanagersTopLevelKeyIsAcceptedSoABlockCanBeCopied() throws Exception {
        TimeIntervals t = load("""
                time_intervals:
                  - name: weekends
                    time_intervals:
                      - weekdays: ['saturday', 'sunday']
                """);
        assertThat(t.active("weekends", at("2026-12-05T12:00:00Z"))).isTrue();
        assertThat(t.active("weekends", at("2026-12-04T12:00:00Z"))).isFalse();
    }

    @Test
    void theShippedExampleFileLoadsAndMeansWhatItsCommentsSay() {
        TimeIntervals t = TimeIntervals.load(Path.of("config/time-intervals.yaml"), Clock.systemUTC());
        assertThat(t.names()).contains("business-hours", "sunday-maintenance", "out-of-hours", "month-end-close");
        // Wednesday 2026-12-02 10:00 CET
        assertThat(t.active("business-hours", at("2026-12-02T09:00:00Z"))).isTrue();
        assertThat(t.active("out-of-hours", at("2026-12-02T09:00:00Z"))).isFalse();
        // Wednesday 18:00 CET and Saturday noon
        assertThat(t.active("business-hours", at("2026-12-02T17:00:00Z"))).isFalse();
        assertThat(t.active("out-of-hours", at("2026-12-02T17:00:00Z"))).isTrue();
        assertThat(t.active("out-of-hours", at("2026-12-05T11:00:00Z"))).isTrue();
        assertThat(t.active("month-end-close", at("2026-12-30T12:00:00Z"))).isTrue();
        assertThat(t.active("month-end-close", at("2026-12-15T12:00:00Z"))).isFalse();
    }
}
