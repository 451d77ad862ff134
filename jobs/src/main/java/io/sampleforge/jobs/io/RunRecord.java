package io.sampleforge.jobs.io;

import java.time.Instant;

/**
 * Who wrote an output: the run id (also the suffix of its staging folder), the Spark application
 * id (to find the run in the Spark UI or history server) and when the run started. Recorded in the
 * manifest with the time the manifest was written.
 */
public record RunRecord(String runId, String applicationId, Instant startedAt) {}
