package io.sampleforge.jobs.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.jobs.Cli;
import io.sampleforge.jobs.SampleforgeMain;
import io.sampleforge.jobs.io.FaultPoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver dies at every step of the output commit (SIGKILL during the Spark write; a dead halt
 * after staging, between the two renames of an overwrite, and after the second rename) and SIGTERM
 * arrives during the write. After each, the output path holds the previous complete output or the
 * new complete output, row for row (or, only after a death between the two renames, nothing until
 * the next run restores the backup); the next run of the same command repairs the leftovers and
 * succeeds; SIGTERM ends with exit 143, a clear message, no staging folder and the old output intact.
 */
@org.junit.jupiter.api.Tag("slow")
class CommitCrashTest extends io.sampleforge.spark.LocalSparkTest {
  @TempDir
  static Path dir;

  private String table() {
    return io.sampleforge.jobs.SynthTable.at(dir, "table", 4000, "--set", "partitions=2");
  }

  private String[] smote(String output, long seed) {
    return new String[] {"smote", "--input", table(), "--output", output, "--mode", "overwrite", "--seed",
        Long.toString(seed), "--set", "features=[f0,f1,f2,f3,f4,f5]", "--set", "id_column=id"};
  }

  private List<String> rows(Path p) {
    return spark.read().parquet(p.toString()).collectAsList().stream().map(Row::toString).sorted().toList();
  }

  private static List<String> leftovers(Path output) throws IOException {
    List<String> out = new ArrayList<>();
    for (String n : DriverProcess.names(output.getParent())) {
      if (n.startsWith(output.getFileName() + ".")) {
        out.add(n);
      }
    }
    return out;
  }

  @Test
  void theOutputIsAlwaysTheOldOrTheNewOneAndTheNextRunRepairs() throws Exception {
    Path reference = dir.resolve("reference-new");
    assertEquals(0, SampleforgeMain.execute(smote(reference.toString(), 2)));
    List<String> newRows = rows(reference);
    // one output path per fault point, each in a folder of its own (so its leftovers are its own); the
    // three driver JVMs are independent and spend most of their time starting, so they run together
    List<String> points = List.of("staged", "moved-aside", "renamed");
    Map<String, Path> outs = new LinkedHashMap<>();
    Map<String, List<String>> oldRowsAt = new HashMap<>();
    for (String point : points) {
      Path out = dir.resolve("at-" + point).resolve("balanced");
      Files.createDirectories(out.getParent());
      assertEquals(0, SampleforgeMain.execute(smote(out.toString(), 1)), "the previous output, seed 1");
      List<String> oldRows = rows(out);
      assertNotEquals(oldRows, newRows);
      outs.put(point, out);
      oldRowsAt.put(point, oldRows);
    }
    Map<String, DriverProcess> drivers = new LinkedHashMap<>();
    for (String point : points) {
      drivers.put(point, DriverProcess.start(dir.resolve("logs"), List.of(FaultPoints.PROPERTY + "=" + point),
          smote(outs.get(point).toString(), 2)));
    }
    try {
      for (String point : points) {
        DriverProcess p = drivers.get(point);
        assertEquals(137, p.waitFor(240), p.output());
        assertTrue(p.output().contains("halting at " + point), p.output());
      }
    } finally {
      drivers.values().forEach(p -> p.process.destroyForcibly());
    }
    for (String point : points) {
      Path out = outs.get(point);
      List<String> oldRows = oldRowsAt.get(point);
      switch (point) {
        case "staged" -> {
          assertEquals(oldRows, rows(out), "killed before the commit: the old output, complete");
          assertEquals(1, leftovers(out).size(), leftovers(out).toString());
          assertTrue(leftovers(out).get(0).startsWith("balanced.staging-"));
        }
        case "moved-aside" -> {
          assertFalse(Files.exists(out), "killed between the renames: the path is empty until the next run");
          Path backup = out.resolveSibling(leftovers(out).stream().filter(n -> n.contains(".previous-")).findFirst().orElseThrow());
          assertEquals(oldRows, rows(backup), "the old output is whole under its backup name");
          // a run in mode error restores the old output and then refuses to replace it
          Cli refused = Cli.run(smote(out.toString(), 2)[0], "--input", table(), "--output", out.toString(),
              "--set", "features=[f0,f1,f2,f3,f4,f5]", "--set", "id_column=id");
          assertEquals(2, refused.code(), refused.err());
          assertEquals(oldRows, rows(out), "restored by the next run");
          assertEquals(List.of(), leftovers(out).stream().filter(n -> n.contains(".previous-")).toList());
        }
        case "renamed" -> {
          assertEquals(newRows, rows(out), "killed after the second rename: the new output, complete");
          assertTrue(leftovers(out).stream().anyMatch(n -> n.contains(".previous-")), leftovers(out).toString());
        }
        default -> throw new IllegalStateException(point);
      }
      assertEquals(0, SampleforgeMain.execute(smote(out.toString(), 2)), "the same command again");
      assertEquals(newRows, rows(out));
      assertEquals(List.of(), leftovers(out), "the next run cleans every leftover");
    }
  }

  /** Starts a 3M-row synth-table overwrite of {@code out} in a driver JVM and waits until its part files are being written. */
  private static DriverProcess overwriteInAnotherJvm(Path out) throws Exception {
    DriverProcess p = DriverProcess.start(dir.resolve("logs"), List.of(), "synth-table", "--output", out.toString(),
        "--mode", "overwrite", "--rows", "3000000", "--set", "partitions=4");
    assertTrue(DriverProcess.awaitPartFile(dir, out.getFileName() + ".staging-", 120),
        "part files are being written: " + p.output());
    return p;
  }

  @Test
  void sigkillDuringTheWriteLeavesTheOldOutputAndTheNextRunCleansUp() throws Exception {
    Path out = dir.resolve("big");
    List<String> oldRows = rows(Path.of(io.sampleforge.jobs.SynthTable.at(dir, "big", 1000)));
    DriverProcess p = overwriteInAnotherJvm(out);
    p.process.destroyForcibly();
    assertEquals(137, p.waitFor(60));
    assertEquals(oldRows, rows(out), "the old output, untouched");
    assertTrue(leftovers(out).get(0).startsWith("big.staging-"), "SIGKILL leaves the staging folder: " + leftovers(out));
    assertEquals(0, SampleforgeMain.execute("synth-table", "--output", out.toString(), "--mode", "overwrite", "--rows", "1000",
        "--seed", "9"));
    assertEquals(List.of(), leftovers(out), "the next run deletes it");
  }

  @Test
  void sigtermStopsCleanlyWithExit143() throws Exception {
    Path out = dir.resolve("termed");
    List<String> oldRows = rows(Path.of(io.sampleforge.jobs.SynthTable.at(dir, "termed", 1000)));
    DriverProcess p = overwriteInAnotherJvm(out);
    p.process.destroy();
    int code = p.waitFor(120);
    String log = p.output();
    assertEquals(143, code, log);
    assertTrue(log.contains("sampleforge: interrupted"), log);
    assertFalse(log.contains("internal error"), log);
    assertFalse(log.contains("You hit a bug in Spark"), log);
    assertEquals(List.of(), leftovers(out), "staging removed");
    assertEquals(oldRows, rows(out), "the old output, untouched");
  }
}
