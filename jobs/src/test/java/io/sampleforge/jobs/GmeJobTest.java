package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gme and synth-relations jobs end to end: config file, TSV/Parquet in, atomic Parquet out, manifest, exit codes. */
class GmeJobTest extends io.sampleforge.spark.LocalSparkTest {
  @TempDir
  static Path dir;

  private static String lotus() throws IOException {
    Path tsv = dir.resolve("lotus.tsv");
    if (!Files.exists(tsv)) {
      Files.copy(Path.of("../pipeline-core/src/test/resources/gme/lotus_sample.tsv"), tsv);
    }
    return tsv.toString();
  }

  /** The committed example config on the reference's test data reproduces the reference's top 10. */
  @Test
  void exampleConfigReproducesTheReferenceOnLotus() throws IOException {
    String out = dir.resolve("lotus-gme").toString();
    assertEquals(0, SampleforgeMain.execute("gme", "-c", "../conf/jobs/gme.yaml", "--input", lotus(), "--output", out,
        "--set", "n=10", "--set", "emit=both"));
    List<Row> ranking = spark.read().parquet(out + "/ranking").orderBy("rank").collectAsList();
    List<String> expected = Files.readAllLines(
        Path.of("../pipeline-core/src/test/resources/gme/lotus_sample_expected_top10_dutopia_counts.tsv"), StandardCharsets.UTF_8);
    for (int i = 0; i < 10; i++) {
      String[] e = expected.get(i + 1).split("\t");
      assertEquals(e[0], ranking.get(i).getString(1));
      assertEquals(Double.parseDouble(e[1]), ranking.get(i).getDouble(2), 0.0);
      assertEquals(Double.parseDouble(e[2]), ranking.get(i).getDouble(3), 0.0);
    }
    long rows = spark.read().parquet(out + "/rows").count();
    long expectedRows = spark.read().option("header", "true").option("sep", "\t").csv(lotus())
        .filter(org.apache.spark.sql.functions.col("reference_doi").isin(ranking.stream().map(r -> r.getString(1)).toArray()))
        .count();
    assertEquals(expectedRows, rows);
    JsonNode m = new ObjectMapper().readTree(new File(out, "_manifest.json"));
    assertEquals("gme", m.get("job").asText());
    assertEquals("dutopia", m.get("config").get("selector").asText());
    assertEquals(13, m.get("strata").get(0).get("items").asLong());
    assertEquals(10, m.get("strata").get(0).get("selected").asLong());
    assertEquals(2.4612, m.get("strata").get(0).get("final_entropies").get("organism_wikidata").asDouble(), 0.0);
  }

  @Test
  void stratifiedRunWithSynthRelationsAndFailingShortStratum() throws IOException {
    String rel = dir.resolve("relations").toString();
    assertEquals(0, SampleforgeMain.execute("synth-relations", "--output", rel, "--set", "items=600",
        "--set", "relations_per_item=3", "--set", "vocabulary=[80, 12]"));
    // stratify by brand's first value would be odd; use category as stratum and brand as the only attribute
    String out = dir.resolve("strata").toString();
    assertEquals(0, SampleforgeMain.execute("gme", "--input", rel, "--output", out, "--set", "item=item",
        "--set", "attributes=[brand]", "--set", "stratify_by=category", "--set", "n=0.05", "--set", "selector=sum",
        "--set", "binarised=true"));
    JsonNode m = new ObjectMapper().readTree(new File(out, "_manifest.json"));
    long selected = 0;
    for (JsonNode s : m.get("strata")) {
      assertEquals((long) Math.ceil(0.05 * s.get("items").asLong()), s.get("selected").asLong(), s.toString());
      selected += s.get("selected").asLong();
    }
    assertEquals(selected, spark.read().parquet(out).count());
    int code = SampleforgeMain.execute("gme", "--input", rel, "--output", dir.resolve("short").toString(), "--set", "item=item",
        "--set", "attributes=[brand]", "--set", "stratify_by=category", "--set", "n=100000", "--set", "when_short=fail");
    assertEquals(3, code);
    assertFalse(Files.exists(dir.resolve("short")), "a failed run leaves nothing under the output path");
  }

  @Test
  void configAndInputErrorsHaveDistinctExitCodes() throws IOException {
    String out = dir.resolve("errors").toString();
    assertEquals(2, SampleforgeMain.execute("gme", "--input", lotus(), "--output", out, "--set", "item=reference_doi",
        "--set", "attributes=[organism_wikidata]", "--set", "n=10", "--set", "selector=max"));
    assertEquals(2, SampleforgeMain.execute("gme", "--input", lotus(), "--output", out, "--set", "item=reference_doi",
        "--set", "attributes=[organism_wikidata]", "--set", "n=-1"));
    assertEquals(3, SampleforgeMain.execute("gme", "--input", lotus(), "--output", out, "--set", "item=reference_doi",
        "--set", "attributes=[organism]", "--set", "n=10"));
    assertTrue(Files.notExists(Path.of(out)));
    assertEquals(0, SampleforgeMain.execute("gme", "--input", lotus(), "--output", out, "--set", "item=reference_doi",
        "--set", "attributes=[organism_wikidata]", "--set", "n=all"));
    assertEquals(13, spark.read().parquet(out).count(), "n=all ranks every item (the reference's -N=-1 returns none)");
    assertEquals(2, SampleforgeMain.execute("gme", "--input", lotus(), "--output", out, "--set", "item=reference_doi",
        "--set", "attributes=[organism_wikidata]", "--set", "n=5"), "existing output without --mode overwrite");
  }

  @Test
  void recoveryProbabilityMatchesTheReferenceReadme() {
    // the reference README: m = 25,000 of 130,000 gives 88.19 % for the top 10 and 98.60 % for the top 20
    assertEquals(0.8819, GmeJob.recovery(130_000, 25_000, 10), 5e-5);
    assertEquals(0.9860, GmeJob.recovery(130_000, 25_000, 20), 5e-5);
  }
}
