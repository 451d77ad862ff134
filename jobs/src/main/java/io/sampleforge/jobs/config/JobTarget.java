package io.sampleforge.jobs.config;

import java.util.Map;

/**
 * What a job reads and where it writes, as its config names them: the output path and its write
 * mode, and every input location keyed by its config key ({@code input}, {@code model.path}, ...).
 * The output guard ({@link io.sampleforge.jobs.io.OutputPreflight}) checks one against the other
 * before Spark starts.
 */
public interface JobTarget {
  String output();

  WriteMode mode();

  /** Input locations by config key; empty for jobs that read nothing. */
  Map<String, String> inputLocations();
}
