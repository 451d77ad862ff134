package io.sampleforge.jobs.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.jobs.Cli;
import io.sampleforge.jobs.SampleforgeMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GME stratum whose item corpus is larger than the executor's execution memory ends with exit 4
 * and a message that names the corpus, the memory it needs and the memory granted, instead of an
 * out-of-memory crash; nothing is written. The same command with enough memory succeeds, so the
 * failure is the memory budget and not the input. The executor's memory is made small with Spark's
 * {@code spark.testing.memory} (the heap size its memory manager assumes) in a driver JVM of its own.
 */
@org.junit.jupiter.api.Tag("slow")
class MemoryShortfallTest extends io.sampleforge.spark.LocalSparkTest {
  @TempDir
  static Path dir;

  private static final String SMALL = "spark.testing.memory=" + (16L << 20);
  private static final String ROOMY = "spark.testing.memory=" + (512L << 20);

  private static String[] gme(String relations, Path out) {
    return new String[] {"gme", "--input", relations, "--output", out.toString(), "--set", "item=item", "--set",
        "attributes=[brand, category]", "--set", "n=20"};
  }

  @Test
  void aCorpusLargerThanExecutionMemoryFailsWithExit4AndTheNumbers() throws Exception {
    String relations = dir.resolve("relations").toString();
    assertEquals(0, Cli.run("synth-relations", "--output", relations, "--set", "items=40000", "--set",
        "relations_per_item=10", "--set", "vocabulary=[40000, 4000]", "--set", "partitions=2").code());

    // the starved run and the roomy run are independent driver JVMs (each writes its own output
    // path), so they start together and most of their start-up overlaps
    Path out = dir.resolve("subset");
    Path roomyOut = dir.resolve("subset-roomy");
    DriverProcess small = DriverProcess.start(dir.resolve("logs"), List.of(SMALL, "spark.testing.reservedMemory=0"),
        gme(relations, out));
    DriverProcess roomy = DriverProcess.start(dir.resolve("logs"), List.of(ROOMY, "spark.testing.reservedMemory=0"),
        gme(relations, roomyOut));
    try {
      assertEquals(SampleforgeMain.NOT_ENOUGH_MEMORY, small.waitFor(240), small.output());
      String log = small.output();
      Matcher m = Pattern.compile("sampleforge: error: not enough memory: gme: the item corpus of the input needs about "
          + "(\\d+) MiB of execution memory, but the executor granted only (\\d+) MiB to this task; give executors more "
          + "memory").matcher(log);
      assertTrue(m.find(), log);
      long needed = Long.parseLong(m.group(1));
      long granted = Long.parseLong(m.group(2));
      assertTrue(granted < needed && granted <= 16, m.group());
      assertFalse(log.contains("OutOfMemoryError"), "no heap exhaustion, the budget refused first");
      assertFalse(Files.exists(out), "nothing written");

      assertEquals(0, roomy.waitFor(240), roomy.output());
      assertTrue(Files.exists(roomyOut.resolve("_manifest.json")), "the same command succeeds with enough memory");
    } finally {
      small.process.destroyForcibly();
      roomy.process.destroyForcibly();
    }
  }
}
