package io.sampleforge.jobs.io;

import io.sampleforge.errors.InputDataException;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.SparkThrowable;

/**
 * Turns Spark's and Parquet's read failures into input errors (exit 3) that say which file could
 * not be read and why: a footer that cannot be read (truncated file, not Parquet), a page whose
 * checksum does not match (corrupted bytes), a file that vanished, a schema that cannot be inferred
 * (no readable file). Anything else is left alone. Cost: a walk of the cause chain.
 */
public final class InputFailures {
  private static final Set<String> READ_CONDITIONS = Set.of("FAILED_READ_FILE", "CANNOT_READ_FILE_FOOTER",
      "UNABLE_TO_INFER_SCHEMA", "PATH_NOT_FOUND", "CANNOT_READ_FILE", "FILE_NOT_EXIST");

  private InputFailures() {}

  /** The input error that {@code failure} stands for, if it is a read failure of an input file. */
  public static Optional<InputDataException> explain(Throwable failure) {
    String readError = null;
    String cause = null;
    boolean malformed = false;
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof InputDataException ide) {
        return Optional.of(ide);
      }
      if (readError == null && t instanceof SparkThrowable st && st.getCondition() != null
          && READ_CONDITIONS.contains(st.getCondition().split("\\.")[0])) {
        readError = firstLine(t.getMessage());
      }
      if (t instanceof SparkThrowable st && st.getCondition() != null
          && st.getCondition().startsWith("MALFORMED_RECORD_IN_PARSING")) {
        malformed = true;
      }
      String name = t.getClass().getName();
      if (t.getMessage() != null && t.getMessage().contains("CRC checksum verification failed")) {
        cause = "a page's CRC checksum does not match its bytes: the file is corrupt";
      } else if (cause == null && readError != null && t != failure
          && (name.startsWith("org.apache.parquet") || t instanceof java.io.IOException || t instanceof RuntimeException)
          && !(t instanceof SparkThrowable)) {
        cause = name.substring(name.lastIndexOf('.') + 1) + ": " + firstLine(t.getMessage());
      }
    }
    if (readError == null) {
      return Optional.empty();
    }
    if (malformed) {
      java.util.regex.Matcher file = java.util.regex.Pattern.compile("reading file (\\S+?)\\.?\\s").matcher(readError + " ");
      Optional<String> why = Optional.empty();
      if (file.find()) {
        try {
          why = CsvParseFailure.describe(file.group(1));
        } catch (RuntimeException diagnosisFailed) {
          why = Optional.empty();
        }
      }
      if (why.isPresent()) {
        return Optional.of(new InputDataException("an input value does not parse as its column's type: " + why.get(), failure));
      }
    }
    String message = "an input file could not be read (corrupt, truncated or not in the stated format): " + readError
        + (cause == null ? "" : " [" + cause + "]");
    return Optional.of(new InputDataException(message, failure));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
