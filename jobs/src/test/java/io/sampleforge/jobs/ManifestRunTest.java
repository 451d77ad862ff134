package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifest records the run (run id, Spark application id, start and end) and what the output
 * holds (files, bytes and rows, compared with the files on disk and a count by Spark), and every
 * Spark job of a run carries the run's job group and a description naming the phase.
 */
class ManifestRunTest extends io.sampleforge.spark.LocalSparkTest {
  @TempDir
  Path dir;

  @Test
  void theManifestRecordsTheRunAndTheOutputAndSparkJobsNameTheirPhase() throws Exception {
    String table = SynthTable.at(dir, "table", 3000);
    List<String[]> jobs = new CopyOnWriteArrayList<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        jobs.add(new String[] {start.properties().getProperty("spark.jobGroup.id"),
            start.properties().getProperty("spark.job.description")});
      }
    };
    spark.sparkContext().addSparkListener(listener);
    Path out = dir.resolve("balanced");
    Instant before = Instant.now();
    try {
      assertEquals(0, SampleforgeMain.execute("smote", "--input", table, "--output", out.toString(), "--set",
          "features=[f0,f1,f2,f3]", "--set", "id_column=id"));
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    JsonNode m = new ObjectMapper().readTree(out.resolve("_manifest.json").toFile());
    JsonNode run = m.get("run");
    String runId = run.get("run_id").asText();
    assertTrue(runId.matches("[0-9a-f-]{36}"), runId);
    assertEquals(spark.sparkContext().applicationId(), run.get("application_id").asText());
    Instant started = Instant.parse(run.get("started_at").asText());
    Instant finished = Instant.parse(run.get("finished_at").asText());
    assertTrue(!started.isBefore(before.minusSeconds(1)) && !finished.isBefore(started), run.toString());

    JsonNode tables = m.get("output_tables");
    assertEquals(1, tables.size(), tables.toString());
    JsonNode t = tables.get(".");
    long bytes = 0;
    long files = 0;
    try (var s = Files.list(out)) {
      for (Path p : s.filter(p -> !p.getFileName().toString().startsWith("_") && !p.getFileName().toString().startsWith("."))
          .toList()) {
        bytes += Files.size(p);
        files++;
      }
    }
    assertEquals(files, t.get("files").asLong());
    assertEquals(bytes, t.get("bytes").asLong());
    assertEquals(spark.read().parquet(out.toString()).count(), t.get("rows").asLong());

    String app = spark.sparkContext().appName();
    assertTrue(jobs.stream().anyMatch(j -> (runId + "/generate+write").equals(j[0]) && (app + ": generate+write").equals(j[1])),
        "a job of the write phase carries the run's group and the phase");
    assertTrue(jobs.stream().filter(j -> j[0] != null && j[0].startsWith(runId + "/")).count() >= 2, "every phase groups its jobs");
  }
}
