package io.sampleforge.jobs.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sampleforge.errors.ConfigException;
import java.util.List;
import java.util.Locale;

/**
 * The {@code batch} command's config: job command lines (each the arguments {@code ./submit.sh}
 * takes after the submit options, job name first) run in order in one JVM and one Spark session,
 * so the start-up is paid once. Validated on construction: at least one job, no empty command
 * line, no blank argument. Whether each line names a job and binds to that job's config is checked
 * by the command before anything runs.
 */
public record BatchConfig(OnFailure onFailure, List<List<String>> jobs) {

  /** What the batch does after a job fails. */
  public enum OnFailure {
    /** Run no further job (the default); the batch exits with the failed job's code. */
    STOP,
    /** Run every job; the batch exits with the first failed job's code. */
    CONTINUE;

    @JsonCreator
    public static OnFailure parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        throw ConfigException.of("on_failure", "must be stop or continue", "'" + text + "'");
      }
    }

    @JsonValue
    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public BatchConfig {
    onFailure = onFailure == null ? OnFailure.STOP : onFailure;
    if (jobs == null || jobs.isEmpty()) {
      throw ConfigException.of("jobs", "must list at least one job command line (for example [smote, -c, "
          + "conf/jobs/smote.yaml])", jobs);
    }
    for (int i = 0; i < jobs.size(); i++) {
      List<String> line = jobs.get(i);
      if (line == null || line.isEmpty()) {
        throw ConfigException.of("jobs[" + i + "]", "must be a non-empty command line (job name first)", line);
      }
      for (String arg : line) {
        if (arg == null || arg.isBlank()) {
          throw ConfigException.of("jobs[" + i + "]", "must not hold an empty argument", line);
        }
      }
    }
    jobs = jobs.stream().map(List::copyOf).toList();
  }
}
