package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smote and synth-table jobs end to end: config, Parquet/CSV in, atomic Parquet out, manifest, exit codes. */
class SmoteJobTest extends io.sampleforge.spark.LocalSparkTest {
  @TempDir
  static Path dir;
  private String table() {
    return SynthTable.at(dir, "table", 3000, "--set", "weights=[0.8,0.15,0.05]", "--set", "informative=3",
        "--set", "redundant=1", "--set", "noise=1");
  }

  private static List<String> entries(Path p) throws IOException {
    try (Stream<Path> s = Files.list(p)) {
      return s.map(x -> x.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void balancesAndWritesManifestBesideTheData() throws IOException {
    String out = dir.resolve("balanced").toString();
    int code = SampleforgeMain.execute("smote", "-c", "../conf/jobs/smote.yaml", "--input", table(), "--output", out,
        "--set", "features=[f0,f1,f2,f3,f4]", "--set", "id_column=id", "--set", "label=label");
    assertEquals(0, code);
    Dataset<Row> df = spark.read().parquet(out);
    Map<String, Long> counts = SmoteJob.countByClass(df, "label");
    assertEquals(Map.of("0", 2400L, "1", 2400L, "2", 2400L), counts);
    JsonNode m = new ObjectMapper().readTree(new File(out, "_manifest.json"));
    assertEquals("smote", m.get("job").asText());
    assertEquals(5, m.get("config").get("k").asInt());
    assertEquals("auto", m.get("config").get("sampling_strategy").asText());
    assertEquals(42, m.get("seed").asLong());
    assertEquals(150, m.get("counts").get(2).get("before").asLong());
    assertEquals(2400, m.get("counts").get(2).get("after").asLong());
    assertEquals("4.2.0", m.get("versions").get("spark").asText());
    assertTrue(m.get("seconds").has("plan+neighbors"));
    assertTrue(entries(dir).stream().noneMatch(n -> n.contains("staging")), "no staging directories left behind: " + entries(dir));
  }

  @Test
  void borderlineWithEnnCleaningReportsRemovedRowsInTheManifest() throws IOException {
    String out = dir.resolve("borderline-enn").toString();
    int code = SampleforgeMain.execute("smote", "--input", table(), "--output", out,
        "--set", "features=[f0,f1,f2,f3,f4]", "--set", "id_column=id", "--set", "method=borderline-2",
        "--set", "m_neighbors=8", "--set", "clean=enn");
    assertEquals(0, code);
    JsonNode m = new ObjectMapper().readTree(new File(out, "_manifest.json"));
    assertEquals("borderline-2", m.get("config").get("method").asText());
    Map<String, Long> counts = SmoteJob.countByClass(spark.read().parquet(out), "label");
    long removed = 0;
    for (JsonNode c : m.get("counts")) {
      assertEquals(c.get("target").asLong() - c.get("removed_by_cleaning").asLong(), c.get("after").asLong());
      assertEquals(c.get("after").asLong(), counts.get(c.get("class").asText()), "class " + c.get("class"));
      removed += c.get("removed_by_cleaning").asLong();
    }
    assertTrue(removed > 0, "ENN removes overlapping rows of this table");
    assertTrue(m.get("warnings").toString().contains("cleaning 'enn' removed"), m.get("warnings").toString());
  }

  @Test
  void methodConfigErrorsExitTwo() {
    assertEquals(2, SampleforgeMain.execute("smote", "--input", table(), "--output", dir.resolve("m1").toString(),
        "--set", "features=[f0]", "--set", "method=kmeans-smote"));
    assertEquals(2, SampleforgeMain.execute("smote", "--input", table(), "--output", dir.resolve("m2").toString(),
        "--set", "features=[f0]", "--set", "shrinkage=0.5"));
    assertEquals(2, SampleforgeMain.execute("smote", "--input", table(), "--output", dir.resolve("m3").toString(),
        "--set", "features=[f0]", "--set", "clean=smoteenn"));
    assertEquals(2, SampleforgeMain.execute("smote", "--input", table(), "--output", dir.resolve("m4").toString(),
        "--set", "features=[f0]", "--set", "categorical=[f1]", "--set", "method=adasyn"));
    assertEquals(2, SampleforgeMain.execute("smote", "--input", table(), "--output", dir.resolve("m5").toString(),
        "--set", "features=[f0]", "--set", "neighbor_search=fast"));
  }

  @Test
  void refusesExistingOutputUnlessOverwrite() throws IOException {
    String out = dir.resolve("exists").toString();
    Files.createDirectories(Path.of(out));
    Files.writeString(Path.of(out, "keep.txt"), "old");
    String[] args = {"smote", "--input", table(), "--output", out, "--set", "features=[f0,f1]"};
    assertEquals(2, SampleforgeMain.execute(args));
    assertEquals(List.of("keep.txt"), entries(Path.of(out)));
    String[] overwrite = {"smote", "--input", table(), "--output", out, "--set", "features=[f0,f1]", "--mode", "overwrite"};
    assertEquals(0, SampleforgeMain.execute(overwrite));
    assertFalse(Files.exists(Path.of(out, "keep.txt")));
    assertTrue(Files.exists(Path.of(out, "_manifest.json")));
  }

  @Test
  void failedRunLeavesNothingUnderTheFinalPath() throws IOException {
    String out = dir.resolve("never").toString();
    assertEquals(3, SampleforgeMain.execute("smote", "--input", table(), "--output", out, "--set", "features=[f0,nope]"));
    assertEquals(2, SampleforgeMain.execute("smote", "--input", table(), "--output", out,
        "--set", "features=[f0]", "--set", "sampling_strategy={x: 10}"), "a map naming an absent class");
    assertFalse(Files.exists(Path.of(out)));
    assertTrue(entries(dir).stream().noneMatch(n -> n.contains("staging")), entries(dir).toString());
  }

  @Test
  void configErrorsExitTwoAndNameTheKey() {
    assertEquals(2, SampleforgeMain.execute("smote", "--input", table(), "--output", dir.resolve("o1").toString(),
        "--set", "features=[f0]", "--set", "neighbours=3"));
    assertEquals(2, SampleforgeMain.execute("smote", "--input", table(), "--output", dir.resolve("o2").toString(),
        "--set", "features=[f0]", "--set", "sampling_strategy=balanced"));
    assertEquals(2, SampleforgeMain.execute("smote", "--input", table(), "--output", dir.resolve("o3").toString(),
        "--set", "features=[f0]", "--set", "k=0"));
    assertEquals(2, SampleforgeMain.execute("smote", "--bogus-flag"));
    assertEquals(2, SampleforgeMain.execute("smote", "--input", dir.resolve("missing").toString(),
        "--output", dir.resolve("o4").toString(), "--set", "features=[f0]"));
  }

  @Test
  void csvInputAndInvalidRowsDropped() throws IOException {
    Path csv = dir.resolve("in.csv");
    StringBuilder sb = new StringBuilder("x,y,cls\n");
    for (int i = 0; i < 40; i++) {
      sb.append(i).append(',').append(i % 5 == 0 && i >= 30 ? "NA" : Integer.toString(i * 2)).append(',').append(i < 30 ? "a" : "b").append('\n');
    }
    Files.writeString(csv, sb.toString());
    String out = dir.resolve("from-csv").toString();
    assertEquals(3, SampleforgeMain.execute("smote", "--input", csv.toString(), "--output", out,
        "--set", "features=[x,y]", "--set", "label=cls"));
    assertEquals(0, SampleforgeMain.execute("smote", "--input", csv.toString(), "--output", out,
        "--set", "features=[x,y]", "--set", "label=cls", "--on-invalid", "drop"));
    JsonNode m = new ObjectMapper().readTree(new File(out, "_manifest.json"));
    assertEquals(2, m.get("dropped_invalid_rows").asLong());
    assertEquals(Map.of("a", 30L, "b", 30L), SmoteJob.countByClass(spark.read().parquet(out), "cls"));
  }
}
