package io.sampleforge.spark.subset;

import io.sampleforge.spark.LocalSparkTest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sampleforge.subset.EntropySelector;
import io.sampleforge.subset.GmeScoring;
import io.sampleforge.subset.GmeSettings;
import io.sampleforge.subset.MissingValues;
import io.sampleforge.subset.SubsetSize;
import io.sampleforge.subset.WhenShort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Exact parity with the GME reference (idiap/gme-sampler run by
 * src/test/resources/gme/make_golden_gme.py): every pick and every rounded entropy, for both
 * selectors, binarised and relation counts, on the LOTUS sample and on a skewed synthetic table
 * with empty cells (counted as the value "", missing: value).
 */
class GmeGoldenTest extends LocalSparkTest {
  private static final Path DIR = Path.of("src/test/resources/gme");

  @ParameterizedTest
  @CsvSource({
      "lotus, lotus_sample.tsv, reference_doi, structure_wikidata, organism_wikidata, dutopia, counts, 13",
      "lotus, lotus_sample.tsv, reference_doi, structure_wikidata, organism_wikidata, dutopia, binarised, 13",
      "lotus, lotus_sample.tsv, reference_doi, structure_wikidata, organism_wikidata, sum, counts, 13",
      "lotus, lotus_sample.tsv, reference_doi, structure_wikidata, organism_wikidata, sum, binarised, 13",
      "synthetic, synthetic_relations.tsv, doc, chem, org, dutopia, counts, 60",
      "synthetic, synthetic_relations.tsv, doc, chem, org, dutopia, binarised, 60",
      "synthetic, synthetic_relations.tsv, doc, chem, org, sum, counts, 60",
      "synthetic, synthetic_relations.tsv, doc, chem, org, sum, binarised, 60"})
  void equalsTheReference(String name, String file, String item, String a, String b, String selector, String counting,
      int n) throws IOException {
    Dataset<Row> input = spark.read().option("header", "true").option("sep", "\t").csv(DIR.resolve(file).toString());
    GmeSettings s = new GmeSettings(item, List.of(a, b), EntropySelector.parse(selector), counting.equals("binarised"),
        new SubsetSize.Count(n), Map.of(), MissingValues.VALUE, 0, null, WhenShort.CAP, 1L, 1,
        GmeScoring.IN_TASK, 0);
    GmeResult r = GmeSelection.run(input.repartition(3), s, false);
    List<Row> got = r.ranking().orderBy(GmeSelection.RANK).collectAsList();
    List<String> golden = Files.readAllLines(DIR.resolve("golden_" + name + "_" + selector + "_" + counting + ".tsv"),
        StandardCharsets.UTF_8);
    assertEquals(n, golden.size() - 1);
    assertEquals(n, got.size());
    for (int i = 0; i < n; i++) {
      String[] e = golden.get(i + 1).split("\t", -1);
      String where = name + " " + selector + " " + counting + " pick " + (i + 1);
      assertEquals(e[0], got.get(i).getString(1), where);
      assertEquals(Double.parseDouble(e[1]), got.get(i).getDouble(2), 0.0, where + " H(" + a + ")");
      assertEquals(Double.parseDouble(e[2]), got.get(i).getDouble(3), 0.0, where + " H(" + b + ")");
    }
    r.release();
  }
}
