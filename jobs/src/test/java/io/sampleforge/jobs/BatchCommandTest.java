package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code batch} command (conf/jobs/batch.yaml): its jobs write exactly what each writes when run on
 * its own, in one session that nothing stays cached in; a bad command line, an unknown key or two jobs
 * sharing an output fail with exit 2 naming {@code jobs[i]} before any job runs (nothing written); a
 * failed job stops the batch (exit = the job's code, later jobs not run) or, with {@code on_failure:
 * continue}, the later jobs still run and the batch still exits with the failure's code.
 */
class BatchCommandTest extends io.sampleforge.spark.LocalSparkTest {
  private static final String MIX = "[mix, -c, ../conf/jobs/mix.yaml, --input, ../conf/data/mix-example.csv, "
      + "--mode, overwrite";

  @TempDir
  Path dir;

  private Path batch(String onFailure, String... lines) throws IOException {
    List<String> yaml = new ArrayList<>();
    yaml.add("on_failure: " + onFailure);
    yaml.add("jobs:");
    for (String l : lines) {
      yaml.add("  - " + l);
    }
    Path f = dir.resolve("batch-" + Math.abs(String.join("", lines).hashCode()) + ".yaml");
    Files.write(f, yaml);
    return f;
  }

  private String out(String name) {
    return dir.resolve(name).toString();
  }

  private List<String> rows(String path) {
    Dataset<Row> d = spark.read().parquet(path);
    return d.collectAsList().stream().map(Row::toString).sorted().collect(Collectors.toList());
  }

  @Test
  void aBatchWritesWhatEachJobWritesAloneAndLeavesNothingCached() throws IOException {
    int cachedBefore = spark.sparkContext().getPersistentRDDs().size();
    Path file = batch("stop",
        MIX + ", --output, " + out("b-mix") + ", --seed, '7']",
        "[corrupt, -c, ../conf/jobs/corrupt.yaml, --input, ../notebooks/data/attrition.csv, --output, "
            + out("b-corrupt") + "]");
    Cli batch = Cli.run("batch", "-c", file.toString());
    assertEquals(0, batch.code(), batch.err());
    assertEquals(cachedBefore, spark.sparkContext().getPersistentRDDs().size(), "a job left a cached RDD");
    assertEquals(0, SampleforgeMain.execute("mix", "-c", "../conf/jobs/mix.yaml", "--input", "../conf/data/mix-example.csv",
        "--output", out("a-mix"), "--seed", "7"));
    assertEquals(0, SampleforgeMain.execute("corrupt", "-c", "../conf/jobs/corrupt.yaml", "--input",
        "../notebooks/data/attrition.csv", "--output", out("a-corrupt")));
    List<String> mix = rows(out("b-mix") + "/round=0");
    assertEquals(60, mix.size());
    assertEquals(rows(out("a-mix") + "/round=0"), mix);
    assertEquals(rows(out("a-corrupt")), rows(out("b-corrupt")));
  }

  @Test
  void aBadLineAnywhereFailsBeforeAnyJobRuns() throws IOException {
    Path unknownKey = batch("stop", MIX + ", --output, " + out("never-1") + "]",
        MIX + ", --output, " + out("never-2") + ", --set, tempreature=2]");
    Cli c = Cli.run("batch", "-c", unknownKey.toString());
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("parameter 'jobs[1]' (mix)") && c.err().contains("tempreature"), c.err());
    assertFalse(Files.exists(Path.of(out("never-1"), "round=0")), "jobs[0] ran although jobs[1] was invalid");

    Path shared = batch("stop", MIX + ", --output, " + out("same") + "]", MIX + ", --output, " + out("same") + "]");
    c = Cli.run("batch", "-c", shared.toString());
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("parameter 'jobs[1].output'") && c.err().contains("jobs[0] (mix)"), c.err());
    assertFalse(Files.exists(Path.of(out("same"), "round=0")));

    for (String line : List.of("[batch, -c, x.yaml]", "[quickstart]", "[mix, --help]", "[nonsense, -c, x.yaml]",
        "[mix, -c, ../conf/jobs/mix.yaml, --no-such-option]")) {
      c = Cli.run("batch", "-c", batch("stop", MIX + ", --output, " + out("never-3") + "]", line).toString());
      assertEquals(2, c.code(), line + ": " + c.err());
      assertTrue(c.err().contains("parameter 'jobs[1]'"), line + ": " + c.err());
      assertFalse(Files.exists(Path.of(out("never-3"), "round=0")));
    }
    c = Cli.run("batch", "-c", batch("sometimes", MIX + ", --output, " + out("never-4") + "]").toString());
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("parameter 'on_failure' must be stop or continue") && c.err().contains("'sometimes'"),
        c.err());
    c = Cli.run("batch", "-c", batch("stop", "[]").toString());
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("parameter 'jobs[0]' must be a non-empty command line"), c.err());
  }

  @Test
  void aFailedJobStopsTheBatchOrNotAsOnFailureSays() throws IOException {
    Path noSource = dir.resolve("no-source.csv");
    Files.write(noSource, List.of("id,text", "1,a", "2,b"));
    String failing = "[mix, -c, ../conf/jobs/mix.yaml, --input, " + noSource + ", --output, " + out("bad") + "]";
    Cli stop = Cli.run("batch", "-c", batch("stop", failing, MIX + ", --output, " + out("after-stop") + "]").toString());
    assertEquals(3, stop.code(), stop.err());
    assertTrue(stop.err().contains("source"), stop.err());
    assertFalse(Files.exists(Path.of(out("after-stop"), "round=0")), "on_failure stop ran a job after the failure");
    assertFalse(Files.exists(Path.of(out("bad"), "round=0")), "the failed job left an output");

    Cli go = Cli.run("batch", "-c", batch("continue", failing, MIX + ", --output, " + out("after-go") + "]").toString());
    assertEquals(3, go.code(), go.err());
    assertEquals(60, rows(out("after-go") + "/round=0").size(), "on_failure continue did not run the next job");
  }
}
