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
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof InputDataException ide) {
        return Optional.of(ide);
      }
      if (readError == null && t instanceof SparkThrowable st && st.getCondition() != null
          && READ_CONDITIONS.contains(st.getCondition().split("\\.")[0])) {
        readError = firstLine(t.getMessage());
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
