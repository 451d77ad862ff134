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

  @Test
  void csvInputGivesTheSameRowsAsTheSameTableInParquet() {
    String parquet = table();
    String csv = SynthTable.at(dir, "table-csv", 3000, "--set", "weights=[0.8,0.15,0.05]", "--set", "informative=3",
        "--set", "redundant=1", "--set", "noise=1", "--set", "format=csv");
    String[] common = {"--set", "features=[f0,f1,f2,f3,f4]", "--set", "id_column=id"};
    String fromParquet = dir.resolve("same-parquet").toString();
    String fromCsv = dir.resolve("same-csv").toString();
    assertEquals(0, SampleforgeMain.execute(concat(new String[] {"smote", "--input", parquet, "--output", fromParquet}, common)));
    assertEquals(0, SampleforgeMain.execute(concat(new String[] {"smote", "--input", csv, "--set", "input_format=csv",
        "--output", fromCsv}, common)));
    Dataset<Row> a = spark.read().parquet(fromParquet);
    Dataset<Row> b = spark.read().parquet(fromCsv);
    // the CSV's features are declared double and its id and label typed from a sample, without an inference pass
    assertEquals("bigint", b.schema().apply("id").dataType().simpleString());
    assertEquals("double", b.schema().apply("f0").dataType().simpleString());
    assertEquals(7200, b.count());
    assertEquals(0, a.select("id", "f0", "f1", "f2", "f3", "f4", "label")
        .exceptAll(b.select("id", "f0", "f1", "f2", "f3", "f4", "label")).count(), "the same rows from CSV and Parquet");
  }

  @Test
  void aCsvValueThatDoesNotParseAsItsColumnsTypeNamesColumnValueAndTheDeclaration() throws IOException {
    Path csv = dir.resolve("late-label.csv");
    StringBuilder sb = new StringBuilder("id,x,y,cls\n");
    int rows = io.sampleforge.jobs.io.CsvSchema.SAMPLE_ROWS + 300;
    for (int i = 0; i < rows; i++) {
      // the label is an integer in the sampled rows and text after them
      sb.append(i).append(',').append(i % 97).append(',').append((i * 7) % 89).append(',')
          .append(i < io.sampleforge.jobs.io.CsvSchema.SAMPLE_ROWS ? Integer.toString(i % 2) : "q").append('\n');
    }
    Files.writeString(csv, sb.toString());
    String[] base = {"smote", "--input", csv.toString(), "--output", dir.resolve("late").toString(),
        "--set", "features=[x,y]", "--set", "label=cls", "--set", "sampling_strategy=not majority"};
    Cli r = Cli.run(base);
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains("column 'cls' must parse as long") && r.err().contains("'q'")
        && r.err().contains("column_types"), r.err());
    assertFalse(Files.exists(dir.resolve("late")));
    // column_types: an unknown column or type is a config error naming the key
    Cli unknown = Cli.run(concat(base, new String[] {"--set", "column_types={nope: string}"}));
    assertEquals(2, unknown.code(), unknown.err());
    assertTrue(unknown.err().contains("column_types.nope"), unknown.err());
    Cli badType = Cli.run(concat(base, new String[] {"--set", "column_types={cls: text}"}));
    assertEquals(2, badType.code(), badType.err());
    assertTrue(badType.err().contains("column_types.cls") && badType.err().contains("'text'"), badType.err());
    // declared as text, the same file reads: three classes
    assertEquals(0, SampleforgeMain.execute(concat(base, new String[] {"--set", "column_types={cls: string}"})));
    assertEquals(3, SmoteJob.countByClass(spark.read().parquet(dir.resolve("late").toString()), "cls").size());
    // a feature is read as double: text in it is refused with the column and the value
    Path feature = dir.resolve("text-feature.csv");
    Files.writeString(feature, "x,y,cls\n1,2,a\n2,oops,a\n3,4,b\n5,6,b\n7,8,a\n");
    Cli f = Cli.run("smote", "--input", feature.toString(), "--output", dir.resolve("text-feature").toString(),
        "--set", "features=[x,y]", "--set", "label=cls", "--set", "k=1");
    assertEquals(3, f.code(), f.err());
    assertTrue(f.err().contains("column 'y' must parse as double") && f.err().contains("'oops'"), f.err());
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }
}
