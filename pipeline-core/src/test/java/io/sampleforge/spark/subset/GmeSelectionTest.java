package io.sampleforge.spark.subset;

import io.sampleforge.random.TestStreams;

import io.sampleforge.spark.LocalSparkTest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.collect_list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.subset.EntropySelector;
import io.sampleforge.subset.GmeRanking;
import io.sampleforge.subset.GmeScoring;
import io.sampleforge.subset.GmeSettings;
import io.sampleforge.subset.GreedyMaxEntropy;
import io.sampleforge.subset.ItemCorpusBuilder;
import io.sampleforge.subset.MissingValues;
import io.sampleforge.subset.SubsetSize;
import io.sampleforge.subset.WhenShort;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.random.KeyedStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class GmeSelectionTest extends LocalSparkTest {

  private static GmeSettings settings(String item, List<String> attrs, EntropySelector sel, boolean binarised,
      String n, MissingValues missing, int candidates, String stratify, Map<String, SubsetSize> strataN, WhenShort when) {
    return new GmeSettings(item, attrs, sel, binarised, SubsetSize.parse(n), strataN, missing, candidates, stratify, when,
        42L, 1, GmeScoring.IN_TASK, 0);
  }

  private static GmeSettings distributed(GmeSettings s, int shards) {
    return new GmeSettings(s.itemColumn(), s.attributes(), s.selector(), s.binarised(), s.size(), s.strataSizes(),
        s.missing(), s.candidates(), s.stratifyBy(), s.whenShort(), s.seed(), s.threads(), GmeScoring.DISTRIBUTED, shards);
  }

  /**
   * Sharded scoring with one Spark round per pick gives the in-task ranking bit for bit, with and
   * without strata, for both selector directions (dutopia minimises, sum maximises).
   */
  @Test
  void distributedScoringEqualsInTask() {
    Dataset<Row> t = relations(1500, 3, 21);
    for (EntropySelector selector : EntropySelector.values()) {
    for (String stratify : new String[] {null, "s"}) {
      GmeSettings s = settings("doc", List.of("a", "b"), selector, false, "40", MissingValues.VALUE, 0,
          stratify, null, WhenShort.CAP);
      List<Row> inTask = GmeSelection.run(t, s, false).ranking().orderBy(stratify == null ? "rank" : "s", "rank")
          .collectAsList();
      List<Row> sharded = GmeSelection.run(t.repartition(3), distributed(s, 3), false).ranking()
          .orderBy(stratify == null ? "rank" : "s", "rank").collectAsList();
      assertEquals(stratify == null ? 40 : 120, sharded.size());
      assertTrue(inTask.equals(sharded), selector + ", stratify_by=" + stratify);
    }
    }
  }

  /** The reference's own test through the Spark stage: TSV read by Spark, dutopia, counts, N=10. */
  @Test
  void lotusThroughSparkMatchesTheReference(@TempDir Path dir) throws IOException {
    Path tsv = dir.resolve("lotus.tsv");
    Files.copy(getClass().getResourceAsStream("/gme/lotus_sample.tsv"), tsv);
    Dataset<Row> input = spark.read().option("header", "true").option("sep", "\t").csv(tsv.toString());
    GmeResult r = GmeSelection.run(input.repartition(3), settings("reference_doi",
        List.of("structure_wikidata", "organism_wikidata"), EntropySelector.DUTOPIA, false, "10", MissingValues.VALUE, 0,
        null, null, WhenShort.CAP), false);
    List<Row> got = r.ranking().orderBy("rank").collectAsList();
    List<String> expected = Files.readAllLines(Path.of("src/test/resources/gme/lotus_sample_expected_top10_dutopia_counts.tsv"),
        StandardCharsets.UTF_8);
    assertEquals(10, got.size());
    for (int i = 0; i < 10; i++) {
      String[] e = expected.get(i + 1).split("\t");
      Row g = got.get(i);
      assertEquals(i + 1, g.getInt(0));
      assertEquals(e[0], g.getString(1));
      assertEquals(Double.parseDouble(e[1]), g.getDouble(2), 0.0);
      assertEquals(Double.parseDouble(e[2]), g.getDouble(3), 0.0);
    }
    r.release();
  }

  /**
   * The stratified stage against the GME reference: the LOTUS sample and the synthetic table as two
   * strata of one input; each stratum's top 10 must be the first 10 picks of the reference's golden
   * for that table (greedy picks are sequential, so the top 10 is a prefix of the 13/60 recorded).
   */
  @Test
  void stratifiedStageEqualsTheReferenceGoldensPerStratum() throws IOException {
    Dataset<Row> lotus = spark.read().option("header", "true").option("sep", "\t").csv("src/test/resources/gme/lotus_sample.tsv")
        .select(col("reference_doi").as("item"), col("structure_wikidata").as("x"), col("organism_wikidata").as("y"),
            org.apache.spark.sql.functions.lit("lotus").as("s"));
    Dataset<Row> synthetic = spark.read().option("header", "true").option("sep", "\t")
        .csv("src/test/resources/gme/synthetic_relations.tsv")
        .select(col("doc").as("item"), col("chem").as("x"), col("org").as("y"), org.apache.spark.sql.functions.lit("synthetic").as("s"));
    GmeResult r = GmeSelection.run(lotus.union(synthetic).repartition(4), settings("item", List.of("x", "y"),
        EntropySelector.DUTOPIA, false, "10", MissingValues.VALUE, 0, "s", null, WhenShort.CAP), false);
    for (String stratum : List.of("lotus", "synthetic")) {
      List<Row> got = r.ranking().filter(col("s").equalTo(stratum)).orderBy("rank").drop("s").collectAsList();
      List<String> golden = Files.readAllLines(Path.of("src/test/resources/gme/golden_" + stratum + "_dutopia_counts.tsv"),
          StandardCharsets.UTF_8);
      assertEquals(10, got.size(), stratum);
      for (int i = 0; i < 10; i++) {
        String[] e = golden.get(i + 1).split("\t", -1);
        assertEquals(e[0], got.get(i).getString(1), stratum + " pick " + (i + 1));
        assertEquals(Double.parseDouble(e[1]), got.get(i).getDouble(2), 0.0, stratum + " pick " + (i + 1) + " H(x)");
        assertEquals(Double.parseDouble(e[2]), got.get(i).getDouble(3), 0.0, stratum + " pick " + (i + 1) + " H(y)");
      }
    }
    r.release();
  }

  /** Long (one row per relation) and wide (array columns) inputs give the same ranking, whatever the partitioning. */
  @Test
  void rankingIsIndependentOfPartitioningAndShape() {
    Dataset<Row> longTable = relations(600, 3, 11);
    GmeSettings s = settings("doc", List.of("a", "b"), EntropySelector.DUTOPIA, false, "all", MissingValues.VALUE, 0,
        null, null, WhenShort.CAP);
    List<Row> one = GmeSelection.run(longTable.coalesce(1), s, false).ranking().orderBy("rank").collectAsList();
    List<Row> seven = GmeSelection.run(longTable.repartition(7, col("a")), s, false).ranking().orderBy("rank").collectAsList();
    // array(b) keeps null values inside the arrays (collect_list alone would drop them)
    Dataset<Row> wide = longTable.groupBy("doc", "s").agg(flatten(collect_list(array(col("a")))).as("a"),
        flatten(collect_list(array(col("b")))).as("b"));
    List<Row> arrays = GmeSelection.run(wide.repartition(5), s, false).ranking().orderBy("rank").collectAsList();
    assertTrue(one.equals(seven), "1 vs 7 partitions");
    assertTrue(one.equals(arrays), "long vs array-valued input");
    assertEquals(one.size(), longTable.select("doc").distinct().count());
  }

  /**
   * Consistency test (the stage against itself, no external oracle): each stratum is selected alone,
   * equal to running the stage on that stratum's rows, with per-stratum N. The stratified stage is
   * checked against the reference's goldens in {@link #stratifiedStageEqualsTheReferenceGoldensPerStratum}.
   */
  @Test
  void consistencyStrataEqualTheStageRunOnEachStratumAlone() {
    Dataset<Row> t = relations(900, 3, 5);
    GmeSettings s = settings("doc", List.of("a", "b"), EntropySelector.SUM, true, "7", MissingValues.VALUE, 0, "s",
        Map.of("s1", new SubsetSize.Count(12)), WhenShort.CAP);
    GmeResult r = GmeSelection.run(t, s, false);
    assertEquals(3, r.strata().size());
    for (String stratum : List.of("s0", "s1", "s2")) {
      List<Row> got = r.ranking().filter(col("s").equalTo(stratum)).orderBy("rank").drop("s").collectAsList();
      GmeSettings alone = settings("doc", List.of("a", "b"), EntropySelector.SUM, true, stratum.equals("s1") ? "12" : "7",
          MissingValues.VALUE, 0, null, null, WhenShort.CAP);
      List<Row> expected = GmeSelection.run(t.filter(col("s").equalTo(stratum)).drop("s"), alone, false).ranking()
          .orderBy("rank").collectAsList();
      assertEquals(stratum.equals("s1") ? 12 : 7, got.size());
      assertEquals(expected, got, stratum);
    }
  }

  /**
   * Consistency test (the production kernel {@link GreedyMaxEntropy} is the oracle, so a kernel bug
   * would go unnoticed here): missing: value counts nulls as the empty string (a value of its own);
   * ignore leaves them out. The stage with missing: value is checked against the reference's goldens
   * on a table with empty cells in GmeGoldenTest (synthetic_relations.tsv).
   */
  @Test
  void consistencyMissingValuesMatchTheKernelOnTheRecodedCorpus() {
    StructType schema = new StructType().add("doc", DataTypes.StringType).add("a", DataTypes.StringType);
    List<Row> rows = List.of(RowFactory.create("d1", "x"), RowFactory.create("d1", null), RowFactory.create("d2", "y"),
        RowFactory.create("d3", ""), RowFactory.create("d3", "x"), RowFactory.create("d4", null));
    Dataset<Row> t = spark.createDataFrame(rows, schema);
    for (MissingValues m : MissingValues.values()) {
      GmeSettings s = settings("doc", List.of("a"), EntropySelector.DUTOPIA, false, "all", m, 0, null, null, WhenShort.CAP);
      List<Row> got = GmeSelection.run(t, s, false).ranking().orderBy("rank").collectAsList();
      ItemCorpusBuilder b = new ItemCorpusBuilder(1, false);
      if (m == MissingValues.VALUE) {
        b.add(1, List.of(List.of("", "x"))).add(2, List.of(List.of("y"))).add(3, List.of(List.of("", "x")))
            .add(4, List.of(List.of("")));
      } else {
        b.add(1, List.of(List.of("x"))).add(2, List.of(List.of("y"))).add(3, List.of(List.of("x")))
            .add(4, List.of(List.<String>of()));
      }
      GmeRanking expected;
      try (GreedyMaxEntropy gme = new GreedyMaxEntropy(b.build(), EntropySelector.DUTOPIA, 0, 0, 0, 1)) {
        expected = gme.select(4, null);
      }
      for (int r = 0; r < 4; r++) {
        assertEquals("d" + (expected.items()[r] + 1), got.get(r).getString(1), m + " pick " + r);
        assertEquals(expected.entropy(r, 0), got.get(r).getDouble(2), 0.0);
      }
    }
  }

  @Test
  void emitsTheSelectedItemsRowsWithTheirRank() {
    Dataset<Row> t = relations(300, 2, 3);
    GmeSettings s = settings("doc", List.of("a", "b"), EntropySelector.DUTOPIA, true, "0.1", MissingValues.VALUE, 0, null,
        null, WhenShort.CAP);
    GmeResult r = GmeSelection.run(t, s, true);
    List<Row> ranking = r.ranking().collectAsList();
    assertEquals(15, ranking.size(), "ceil(0.1 x 150 items)");
    Map<String, Integer> rankOf = new TreeMap<>();
    ranking.forEach(x -> rankOf.put(x.getString(1), x.getInt(0)));
    List<Row> rows = r.rows().collectAsList();
    assertEquals(t.filter(col("doc").isin(rankOf.keySet().toArray())).count(), rows.size());
    int lastRank = 0;
    for (Row x : rows) {
      int rank = x.getInt(x.fieldIndex(GmeSelection.ROWS_RANK));
      assertEquals(rankOf.get(x.getString(x.fieldIndex("doc"))), rank);
      assertTrue(rank >= lastRank, "rows come in rank order");
      lastRank = rank;
    }
  }

  @Test
  void badInputIsRefusedWithTheColumnNamed() {
    Dataset<Row> t = relations(60, 2, 3);
    InputDataException missing = assertThrows(InputDataException.class, () -> GmeSelection.run(t, settings("doc",
        List.of("a", "nope"), EntropySelector.DUTOPIA, false, "5", MissingValues.VALUE, 0, null, null, WhenShort.CAP), false));
    assertTrue(missing.getMessage().contains("'nope'"), missing.getMessage());
    assertEquals(3, missing.exitCode());
    Dataset<Row> nullIds = t.union(spark.createDataFrame(List.of(RowFactory.create(null, "x", "y", "s0")), t.schema()));
    InputDataException nulls = assertThrows(InputDataException.class, () -> GmeSelection.run(nullIds, settings("doc",
        List.of("a", "b"), EntropySelector.DUTOPIA, false, "5", MissingValues.VALUE, 0, null, null, WhenShort.CAP), false));
    assertTrue(nulls.getMessage().contains("'doc'") && nulls.getMessage().contains("1 rows"), nulls.getMessage());
    InputDataException shortStratum = assertThrows(InputDataException.class, () -> GmeSelection.run(t, settings("doc",
        List.of("a", "b"), EntropySelector.DUTOPIA, false, "11", MissingValues.VALUE, 0, "s", null, WhenShort.FAIL), false));
    assertTrue(shortStratum.getMessage().contains("s=s0 has 10 items"), shortStratum.getMessage());
    GmeResult capped = GmeSelection.run(t, settings("doc", List.of("a", "b"), EntropySelector.DUTOPIA, false, "11",
        MissingValues.VALUE, 0, "s", null, WhenShort.CAP), false);
    assertEquals(30, capped.ranking().count());
    assertEquals(3, capped.warnings().size(), capped.warnings().toString());
    assertNull(capped.rows());
  }

  @Test
  void approximationIsReproducibleThroughSpark() {
    Dataset<Row> t = relations(3000, 3, 9);
    GmeSettings s = settings("doc", List.of("a", "b"), EntropySelector.DUTOPIA, false, "20", MissingValues.VALUE, 50, null,
        null, WhenShort.CAP);
    List<Row> a = GmeSelection.run(t.repartition(2), s, false).ranking().orderBy("rank").collectAsList();
    List<Row> b = GmeSelection.run(t.repartition(6), s, false).ranking().orderBy("rank").collectAsList();
    assertEquals(a, b);
  }

  /** A long table: doc ids d0000.., `per` relations each, skewed values in a and b (some b null), stratum s by doc. */
  private Dataset<Row> relations(int rows, int per, long seed) {
    KeyedStream r = TestStreams.of(seed, "gme-spark-test", 0);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      int doc = i / per;
      double u = r.uniform(2L * i);
      double w = r.uniform(2L * i + 1);
      String b = w > 0.95 ? null : "b" + (int) (12 * w * w);
      out.add(RowFactory.create(String.format("d%04d", doc), "a" + (int) (40 * u * u * u), b, "s" + (doc % 3)));
    }
    StructType schema = new StructType().add("doc", DataTypes.StringType).add("a", DataTypes.StringType)
        .add("b", DataTypes.StringType).add("s", DataTypes.StringType);
    return spark.createDataFrame(out, schema);
  }
}
