package io.sampleforge.spark.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Pipeline holding Smote saves, loads and produces the identical output; so does the stage alone. */
class SmotePersistenceTest extends io.sampleforge.spark.LocalSparkTest {
  @TempDir
  Path dir;

  private Dataset<Row> table() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String label = i % 4 == 0 ? "b" : "a";
      rows.add(RowFactory.create((long) i, Math.sin(i * 0.7) * 3 + (label.equals("b") ? 2 : 0), Math.cos(i * 1.3), label));
    }
    return spark.createDataFrame(rows, new StructType().add("id", "long").add("x", "double").add("y", "double")
        .add("label", "string"));
  }

  private static List<String> sorted(Dataset<Row> d) {
    return d.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  @Test
  void aPipelineHoldingSmoteSavesLoadsAndGivesTheSameRows() throws Exception {
    Smote smote = new Smote().setFeatureCols("x", "y").setIdCol("id").setK(3).setSeed(11).setMethod("borderline-1")
        .setMNeighbors(5);
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {smote}).fit(table());
    List<String> expected = sorted(fitted.transform(table()));
    assertNotEquals(60, expected.size(), "the stage added rows");

    String path = dir.resolve("pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertEquals(expected, sorted(loaded.transform(table())));

    Smote alone = Smote.load(saveStage(smote));
    assertEquals(smote.settings(), alone.settings());
    assertEquals(smote.uid(), alone.uid());
    assertEquals(expected, sorted(alone.transform(table())));
  }

  private String saveStage(Smote smote) throws java.io.IOException {
    String path = dir.resolve("stage").toString();
    smote.write().overwrite().save(path);
    return path;
  }
}
