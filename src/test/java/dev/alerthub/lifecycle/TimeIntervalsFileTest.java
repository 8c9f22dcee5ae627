package dev.alerthub.lifecycle;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mistakes in time-intervals.yaml are named as file:line: message, each at the line that holds it. */
class TimeIntervalsFileTest {
    @TempDir
    Path dir;

    private List<String> problems(String yaml) throws Exception {
        Path f = dir.resolve("time-intervals.yaml");
        Files.writeString(f, yaml);
        return TimeIntervalsFile.check(f).stream().map(p -> p.toString().replace(dir + "/", "")).toList();
    }

    @Test
    void theShippedFileHasNoProblems() {
        assertThat(TimeIntervalsFile.check(Path.of("config/time-intervals.yaml"))).isEmpty();
    }

    @Test
    void everyBadValueIsReportedAtItsOwnLine() throws Exception {
        assertThat(problems("""
                - name: broken
                  time_intervals:
                    - times:
                        - start_time: "17:00"
                          end_time: "09:00"
                        - start_time: "25:00"
                          end_time: "26:00"
                      weekdays: ['friday:monday', 'funday']
                      days_of_month: ['0', '-1:5', '-1:-3', '32']
                      months: ['march:january', 'jnuary', '13']
                      years: ['2027:2026']
                      location: Europe/Berln
                """)).containsExactly(
                "time-intervals.yaml:4: times: start_time 17:00 must be before end_time 09:00 (the end is exclusive;"
                        + " to cross midnight use two ranges, e.g. 22:00-24:00 and 00:00-06:00)",
                "time-intervals.yaml:6: times: '25:00' is not a time of day HH:MM (00:00 to 24:00)",
                "time-intervals.yaml:8: weekdays: 'friday:monday': the start day is after the end day (weeks run"
                        + " sunday to saturday: use two ranges)",
                "time-intervals.yaml:8: weekdays: funday is not a valid weekday (did you mean sunday?)",
                "time-intervals.yaml:9: days_of_month: 0 is not a valid day of the month: out of range",
                "time-intervals.yaml:9: days_of_month: end day must be negative if start day is negative",
                "time-intervals.yaml:9: days_of_month: end day -3 is always before start day -1",
                "time-intervals.yaml:9: days_of_month: 32 is not a valid day of the month: out of range",
                "time-intervals.yaml:10: months: 'march:january': the start month is after the end month",
                "time-intervals.yaml:10: months: jnuary is not a valid month (did you mean january?)",
                "time-intervals.yaml:10: months: 13 is not a valid month: out of range",
                "time-intervals.yaml:11: years: '2027:2026': the start year is after the end year",
                "time-intervals.yaml:12: location: unknown time zone 'Europe/Berln' (an IANA name such as"
                        + " Europe/Berlin, or UTC); did you mean Europe/Berlin?");
    }

    @Test
    void unknownKeysMissingNamesDuplicatesAndWrongShapesAreReported() throws Exception {
        assertThat(problems("""
                - name: a
                  time_intervals:
                    - weekday: ['monday']
                      times: {start_time: "09:00", end_time: "10:00"}
                - time_intervals: []
                - name: a
                  time_intervals: []
                  comment: twice
                - just a string
                """)).containsExactly(
                "time-intervals.yaml:3: unknown key 'weekday' (did you mean weekdays?)",
                "time-intervals.yaml:4: times: expected a list, e.g. times: [{start_time: \"09:00\", end_time: \"17:00\"}]",
                "time-intervals.yaml:5: a time interval needs a name",
                "time-intervals.yaml:8: unknown key 'comment' (known: name, time_intervals)",
                "time-intervals.yaml:6: time interval 'a' is defined twice",
                "time-intervals.yaml:9: expected a named time interval (name: ..., time_intervals: [...])");
    }

    @Test
    void brokenYamlIsReportedWithItsLine() throws Exception {
        assertThat(problems("""
                - name: a
                  time_intervals:
                    - weekdays: ['monday'
                - name: b
                """)).singleElement().asString().startsWith("time-intervals.yaml:4: not valid YAML:");
    }

    @Test
    void loadingAFileWithProblemsFailsNamingEachOne() throws Exception {
        Path f = dir.resolve("time-intervals.yaml");
        Files.writeString(f, """
                - name: a
                  time_intervals:
                    - weekdays: ['mondai']
                """);
        assertThatThrownBy(() -> TimeIntervals.load(f, Clock.systemUTC()))
                .hasMessageContaining(f + ":3: weekdays: mondai is not a valid weekday (did you mean monday?)");
    }

    @Test
    void anEmptyOrCommentOnlyFileDefinesNothingAndIsValid() throws Exception {
        assertThat(problems("# nothing yet\n")).isEmpty();
        assertThat(problems("time_intervals:\n")).isEmpty();
    }
}
