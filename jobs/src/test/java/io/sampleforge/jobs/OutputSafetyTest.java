package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.spark.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output locations that would destroy an input, or that cannot be written, are refused with exit 2
 * before Spark starts (no SparkSession exists afterwards), for every job that reads an input: equal
 * paths, the output inside the input, the input inside the output, through a symbolic link and
 * through a file: URI; and an output under a regular file or under /proc (unwritable even for root).
 * The input is untouched after each refusal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutputSafetyTest {
  @TempDir
  Path dir;

  @BeforeAll
  void noSparkRunning() {
    SparkSession.getActiveSession().foreach(s -> {
      SparkTestSession.stop(s);
      return null;
    });
    SparkTestSession.stop(null);
  }

  private Path input(String name) throws IOException {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    Files.writeString(d.resolve("part-00000.parquet"), "not read: the job must stop before reading");
    return d;
  }

  private static List<String> listing(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      return s.map(Path::toString).sorted().toList();
    }
  }

  private static String[] job(String name, String input, String output, String... extra) {
    List<String> args = new ArrayList<>(switch (name) {
      case "smote" -> List.of("smote", "--input", input, "--output", output, "--set", "features=[a,b]");
      case "gme" -> List.of("gme", "--input", input, "--output", output, "--set", "item=i", "--set", "attributes=[a]",
          "--set", "n=2");
      case "generate" -> List.of("generate", "--input", input, "--output", output);
      case "coreset" -> List.of("coreset", "--input", input, "--output", output, "--set", "features=[a,b]", "--set", "m=10");
      case "mix" -> List.of("mix", "--input", input, "--output", output);
      default -> throw new IllegalArgumentException(name);
    });
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  private void refused(String[] args, String expectedRelation, Path... untouched) throws IOException {
    List<List<String>> before = new ArrayList<>();
    for (Path p : untouched) {
      before.add(listing(p));
    }
    Cli r = Cli.run(args);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("parameter 'output'"), r.err());
    assertTrue(r.err().contains(expectedRelation), r.err());
    assertTrue(SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty(),
        "refused before Spark started");
    for (int i = 0; i < untouched.length; i++) {
      assertEquals(before.get(i), listing(untouched[i]), "input untouched");
    }
  }

  @Test
  void outputEqualToTheInputIsRefusedForEveryJob() throws IOException {
    for (String job : List.of("smote", "gme", "generate", "coreset")) {
      Path in = input("same-" + job);
      refused(job(job, in.toString(), in.toString(), "--mode", "overwrite"), "is the same location as input", in);
      refused(job(job, in.toString(), in + "/", "--mode", "overwrite"), "is the same location as input", in);
      refused(job(job, in.toString(), "file://" + in, "--mode", "overwrite"), "is the same location as input", in);
    }
  }

  @Test
  void aCsvInputOverwrittenByItsOwnOutputIsRefused() throws IOException {
    Path csv = dir.resolve("self.csv");
    Files.writeString(csv, "a,b,label\n1,2,x\n");
    refused(job("smote", csv.toString(), csv.toString(), "--mode", "overwrite"), "is the same location as input", dir);
    assertEquals("a,b,label\n1,2,x\n", Files.readString(csv));
  }

  @Test
  void outputInsideOrAroundTheInputIsRefusedForEveryJob() throws IOException {
    for (String job : List.of("smote", "gme", "generate", "coreset")) {
      Path in = input("nest-" + job);
      refused(job(job, in.toString(), in.resolve("out").toString()), "lies inside input", in);
      refused(job(job, in.toString(), dir.toString(), "--mode", "overwrite"), "contains input", in);
    }
  }

  @Test
  void symbolicLinksAreResolvedBeforeComparing() throws IOException {
    Path in = input("real");
    Path link = Files.createSymbolicLink(dir.resolve("link"), in);
    for (String job : List.of("smote", "gme", "generate", "coreset")) {
      refused(job(job, in.toString(), link.toString(), "--mode", "overwrite"), "is the same location as input", in);
      refused(job(job, link.toString(), in.resolve("sub").toString()), "lies inside input", in);
    }
  }

  /**
   * mix writes round r to output/round=r, so an output that contains the input is no threat (only its
   * round folder is replaced); the input's own folder, a folder inside it and unwritable places are refused.
   */
  @Test
  void mixRefusesAnOutputAtOrInsideItsInput() throws IOException {
    Path in = input("mix-in");
    refused(job("mix", in.toString(), in.toString(), "--mode", "overwrite"), "input", in);
    refused(job("mix", in.toString(), in.resolve("out").toString()), "lies inside input", in);
    refused(job("mix", in.toString(), "/proc/sampleforge-out"), "must be in a writable location", in);
  }

  @Test
  void generateRefusesAnOutputOverTheModelFiles() throws IOException {
    Path prompts = input("prompts");
    Path model = input("model");
    refused(new String[] {"generate", "--input", prompts.toString(), "--output", model.resolve("out").toString(),
        "--set", "model.type=torchscript", "--set", "model.dir=" + model}, "lies inside model.dir", model);
  }

  @Test
  void unwritableOutputLocationsAreRefusedBeforeSparkStarts() throws IOException {
    Path in = input("for-unwritable");
    Path file = dir.resolve("a-file");
    Files.writeString(file, "x");
    for (String job : List.of("smote", "gme", "generate", "coreset")) {
      refused(job(job, in.toString(), file.resolve("out").toString()), "must be in a writable location", in);
      refused(job(job, in.toString(), "/proc/sampleforge-out"), "must be in a writable location", in);
    }
    for (String job : List.of("synth-table", "synth-relations")) {
      Cli r = Cli.run(job, "--output", "/proc/sampleforge-out");
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains("must be in a writable location"), r.err());
    }
    assertFalse(Files.exists(Path.of("/proc/sampleforge-out")));
    assertTrue(SparkSession.getActiveSession().isEmpty(), "refused before Spark started");
  }
}
