package io.sampleforge.jobs;

import io.sampleforge.jobs.config.JobTarget;

/**
 * A job command whose parsed command line (config file, shortcuts, {@code --set} overrides) binds
 * to its validated config record without running anything: the command's {@code call()} runs the
 * job on {@link #config()}, and checks of command lines written elsewhere (the Airflow example DAG)
 * validate them the same way.
 */
interface ConfiguredCommand {
  /** The validated config this command line describes (reads the YAML file; starts no Spark). */
  JobTarget config();
}
