package io.sampleforge.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.spark.subset.GmeSelector;
import io.sampleforge.spark.tabular.Smote;
import io.sampleforge.spark.text.TextGenerator;
import io.sampleforge.spark.text.ToyPrompts;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A notebook calls the same stage again and again in one session: eight rounds of {@code
 * transform} plus an action on the result, each with a fresh stage and seed as a re-run cell
 * would, must leave the session holding what it held before the first round: no persisted RDD, no
 * Dataset cache entry, and the block managers' storage memory back at its starting level.
 * Broadcasts are freed by Spark's cleaner once the results are garbage, so the levels are read
 * after a GC ({@link ResourceSnapshot}). One Smote round cleans with ENN and one GME round scores
 * distributed (the paths that cache the most). Removing {@code Smote.transform}'s release, or
 * making {@code GmeSelector.transform} return {@code GmeSelection.run}'s cached result, fails it.
 */
@org.junit.jupiter.api.Tag("slow")
class StageCacheReleaseTest extends LocalSparkTest {
  private static final int ROUNDS = 8;

  @Test
  void smoteTransformsReleaseWhatTheyCache() {
    MlbenchData pima = MlbenchData.read("PimaIndiansDiabetes", "diabetes", null);
    Dataset<Row> frame = pima.frame(spark, 2).filter("row < 150");
    long majority = frame.filter("diabetes = 'neg'").count();
    Level start = Level.now(this);
    for (int i = 0; i < ROUNDS; i++) {
      Smote smote = new Smote().setLabelCol("diabetes").setFeatureCols(pima.featureColumns()).setIdCol("row").setSeed(i);
      if (i == 3) {
        assertTrue(smote.setClean("enn").transform(frame).count() > 0);
      } else {
        assertEquals(2 * majority, smote.transform(frame).count(), "auto strategy: both classes at the majority's count");
      }
    }
    start.assertReturned(this);
  }

  @Test
  void gmeTransformsReleaseWhatTheyCache() {
    Dataset<Row> lotus = spark.read().option("header", "true").option("sep", "\t")
        .csv("src/test/resources/gme/lotus_sample.tsv");
    Level start = Level.now(this);
    for (int i = 0; i < ROUNDS; i++) {
      GmeSelector gme = new GmeSelector().setItemCol("reference_doi").setAttributeCols("structure_wikidata",
          "organism_wikidata").setN(5).setSeed(i);
      if (i == 1) {
        gme.setScoring("distributed").setShards(2).setEmit(GmeSelector.EMIT_RANKING);
        assertEquals(5, gme.transform(lotus).count());
      } else {
        assertTrue(gme.transform(lotus).count() >= 5, "the selected documents' rows");
      }
    }
    start.assertReturned(this);
  }

  @Test
  void textTransformsReleaseWhatTheyCache() {
    Dataset<Row> prompts = ToyPrompts.of(spark, 1, 12);
    Level start = Level.now(this);
    for (int i = 0; i < ROUNDS; i++) {
      TextGenerator text = new TextGenerator().setToySentences(200).setMaxNewTokens(4).setSamplesPerPrompt(2).setSeed(i);
      assertEquals(24, text.transform(prompts).count());
    }
    start.assertReturned(this);
  }

  /** What the session holds: persisted RDDs, cache entries and storage memory used, after a GC. */
  private record Level(ResourceSnapshot snapshot, long storageUsed) {
    static Level now(StageCacheReleaseTest t) {
      return new Level(ResourceSnapshot.take(t.spark), t.storageUsed());
    }

    void assertReturned(StageCacheReleaseTest t) {
      Level end = now(t);
      assertEquals(Map.of(), scala.jdk.javaapi.CollectionConverters.asJava(t.spark.sparkContext().getPersistentRDDs()),
          "persisted RDDs after " + ROUNDS + " rounds: " + end.snapshot());
      assertEquals(0, end.snapshot().cachedEntries(), "Dataset cache entries: " + end.snapshot());
      assertEquals(storageUsed, end.storageUsed(), "storage memory used (bytes), start " + snapshot + ", end " + end.snapshot());
    }
  }

  /** Storage memory used by the block managers (max minus remaining), summed. */
  private long storageUsed() {
    long used = 0;
    for (scala.Tuple2<Object, Object> v : scala.jdk.javaapi.CollectionConverters.asJava(
        spark.sparkContext().getExecutorMemoryStatus()).values()) {
      used += (Long) v._1() - (Long) v._2();
    }
    return used;
  }
}
