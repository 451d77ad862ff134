package io.sampleforge.jobs;

import io.sampleforge.jobs.config.JobTarget;
import java.util.List;

/**
 * One job of a batch: its position in the batch file ({@code jobs[index]}), its command line (job
 * name first) and the validated target (output, mode, inputs) its config binds to.
 */
record BatchEntry(int index, List<String> args, String job, JobTarget target) {
  BatchEntry {
    args = List.copyOf(args);
  }

  String key() {
    return "jobs[" + index + "]";
  }
}
