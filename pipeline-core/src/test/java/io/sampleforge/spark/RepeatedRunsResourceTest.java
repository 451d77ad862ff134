package io.sampleforge.spark;

import io.sampleforge.spark.subset.GmeSelection;
import io.sampleforge.spark.subset.GmeSelectionTest;
import io.sampleforge.spark.tabular.Smote;
import io.sampleforge.spark.tabular.SmoteResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.sampleforge.subset.EntropySelector;
import io.sampleforge.subset.GmeScoring;
import io.sampleforge.subset.GmeSettings;
import io.sampleforge.subset.MissingValues;
import io.sampleforge.subset.SubsetSize;
import io.sampleforge.subset.WhenShort;
import io.sampleforge.model.ExportedModelSpec;
import io.sampleforge.model.LoadedModel;
import io.sampleforge.model.ModelFormat;
import io.sampleforge.model.PlainPaths;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A notebook runs the same stages again and again in one session: after a warm-up round, three more
 * rounds of SMOTE ({@code transform}, and {@code run} + {@code release} with ENN cleaning), each
 * round on a new input plan as a notebook's re-read would be, GME selection (in-task with a scoring thread pool, and distributed with one
 * Spark round per pick) and an exported TorchScript model opened, run and closed as a generate
 * task does, must leave the session as the warm-up left it ({@link ResourceSnapshot}): the same
 * persisted RDDs, cache entries, stored bytes and DJL native resources, broadcast blocks within 8,
 * threads within 4 and file descriptors within 16.
 */
@org.junit.jupiter.api.Tag("slow")
class RepeatedRunsResourceTest extends LocalSparkTest {
  private static final int ROUNDS = 3;

  @Test
  void repeatedStageRunsLeaveTheSessionAsTheWarmUpLeftIt() {
    MlbenchData pima = MlbenchData.read("PimaIndiansDiabetes", "diabetes", null);
    Dataset<Row> frame = pima.frame(spark, 3);
    Dataset<Row> relations = relations(900, 3);
    ExportedModelSpec model = toyGpt();
    round(frame, pima.featureColumns(), relations, model, 0);
    ResourceSnapshot warm = ResourceSnapshot.take(spark);
    java.util.Map<String, Long> before = threadNames();
    for (int i = 1; i <= ROUNDS; i++) {
      long t0 = System.nanoTime();
      round(frame.withColumn("round", org.apache.spark.sql.functions.lit(i)), pima.featureColumns(), relations, model, i);
      System.out.println("[resources] round " + i + " " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
    ResourceSnapshot last = ResourceSnapshot.take(spark);
    java.util.Map<String, Long> after = threadNames();
    after.forEach((k, v) -> {
      if (!v.equals(before.get(k))) {
        System.out.println("[resources] threads " + k + ": " + before.get(k) + " -> " + v);
      }
    });
    System.out.println("[resources] after warm-up:   " + warm);
    System.out.println("[resources] after " + ROUNDS + " more: " + last);
    assertEquals(warm.persistedRdds(), last.persistedRdds(), "persisted RDDs\n" + warm + "\n" + last);
    assertEquals(warm.cachedEntries(), last.cachedEntries(), "Dataset cache entries\n" + warm + "\n" + last);
    assertEquals(warm.storedBytes(), last.storedBytes(), "bytes stored by cached RDDs\n" + warm + "\n" + last);
    assertEquals(warm.djlResources(), last.djlResources(), "DJL native resources\n" + warm + "\n" + last);
    assertTrue(Math.abs(last.broadcastBlocks() - warm.broadcastBlocks()) <= 8, "broadcast blocks\n" + warm + "\n" + last);
    assertTrue(Math.abs(last.threads() - warm.threads()) <= 4, "threads\n" + warm + "\n" + last);
    assertTrue(Math.abs(last.fds() - warm.fds()) <= 16, "open file descriptors\n" + warm + "\n" + last);
  }

  private void round(Dataset<Row> frame, String[] cols, Dataset<Row> relations, ExportedModelSpec model, int i) {
    long seed = 100 + i;
    Smote plain = new Smote().setLabelCol("diabetes").setFeatureCols(cols).setIdCol("row").setSeed(seed);
    assertEquals(1000, plain.transform(frame).count(), "auto strategy: 500 + 500 rows");
    SmoteResult cleaned = new Smote().setLabelCol("diabetes").setFeatureCols(cols).setIdCol("row").setSeed(seed)
        .setClean("enn").run(frame);
    assertTrue(cleaned.output().count() > 0);
    cleaned.release();
    for (GmeScoring scoring : GmeScoring.values()) {
      GmeSettings s = new GmeSettings("doc", List.of("a", "b"), EntropySelector.DUTOPIA, false, SubsetSize.parse(scoring == GmeScoring.DISTRIBUTED ? "4" : "12"),
          null, MissingValues.VALUE, 0, null, WhenShort.CAP, seed, 2, scoring, 2);
      io.sampleforge.spark.subset.GmeResult g = GmeSelection.run(relations, s, true);
      long picks = scoring == GmeScoring.DISTRIBUTED ? 4 : 12;
      assertEquals(picks, g.ranking().count());
      assertEquals(3 * picks, g.rows().count());
      g.release();
    }
    LoadedModel lm = model.open(Device.cpu());
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      assertEquals(2 * 44, lm.lm().nextTokenLogits(m, new int[][] {{1, 5, 7}, {1, 9}}).size());
    } finally {
      try {
        lm.resources().close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static java.util.Map<String, Long> threadNames() {
    return Thread.getAllStackTraces().entrySet().stream().collect(java.util.stream.Collectors.groupingBy(
        e -> e.getKey().getName().replaceAll("[0-9]+", "#") + " " + e.getKey().getState() + " "
            + java.util.Arrays.stream(e.getValue()).limit(6).map(f -> f.getClassName().replaceAll(".*\\.", "") + "." + f.getMethodName()).toList(), java.util.TreeMap::new, java.util.stream.Collectors.counting()));
  }

  /** The toy GPT of the generate job's tests (make_toy_gpt.py), cached contract. */
  private static ExportedModelSpec toyGpt() {
    String dir = "src/test/resources/model/toy_gpt/";
    System.setProperty("ai.djl.offline", "true");
    return ExportedModelSpec.of(ModelFormat.TORCHSCRIPT, new PlainPaths(), dir + "model_cached.pt", dir + "tokenizer.json",
        44, 1, List.of(2), new long[] {2, 4, 16}, 0);
  }

  /** Documents with 3 relations each, deterministic values (the shape GmeSelectionTest uses). */
  private Dataset<Row> relations(int rows, int per) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      int doc = i / per;
      out.add(RowFactory.create(String.format("d%04d", doc), "a" + (i * 7919 % 41), "b" + (i * 104729 % 13)));
    }
    StructType schema = new StructType().add("doc", DataTypes.StringType).add("a", DataTypes.StringType)
        .add("b", DataTypes.StringType);
    return spark.createDataFrame(out, schema);
  }
}
