package io.sampleforge.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.spark.subset.GmeSelector;
import io.sampleforge.spark.tabular.Smote;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two row-changing stages in one Pipeline on the Pima Indians diabetes table (mlbench): SMOTE
 * balances the classes, Spark's Bucketizer bands glucose and body mass, and GME selection picks 40
 * diverse rows over (class, glucose band, mass band). The Pipeline and the fitted PipelineModel
 * save and load, and the loaded ones give the same rows; the selection is the GME subset of the
 * balanced table (every picked row is one of SMOTE's rows, ranks 1..40, both classes present).
 */
class StagePipelineTest extends LocalSparkTest {
  @TempDir
  Path dir;

  private static List<String> sorted(Dataset<Row> d) {
    return d.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  @Test
  void smoteThenGmeSelectionSavesLoadsAndGivesTheSameRows() throws java.io.IOException {
    MlbenchData pima = MlbenchData.read("PimaIndiansDiabetes", "diabetes", null);
    Dataset<Row> frame = pima.frame(spark, 3);
    Smote smote = new Smote().setLabelCol("diabetes").setFeatureCols(pima.featureColumns()).setIdCol("row").setSeed(3);
    Bucketizer bands = new Bucketizer().setInputCols(new String[] {"glucose", "mass"})
        .setOutputCols(new String[] {"glucose_band", "mass_band"})
        .setSplitsArray(new double[][] {{Double.NEGATIVE_INFINITY, 100, 126, 160, Double.POSITIVE_INFINITY},
            {Double.NEGATIVE_INFINITY, 25, 30, 35, Double.POSITIVE_INFINITY}});
    GmeSelector gme = new GmeSelector().setItemCol("row").setAttributeCols("diabetes", "glucose_band", "mass_band")
        .setN(40).setSeed(3);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {smote, bands, gme});
    PipelineModel fitted = pipeline.fit(frame);
    Dataset<Row> out = fitted.transform(frame);
    assertEquals(fitted.transformSchema(frame.schema()), out.schema(), "the chain's schema is the output schema");
    List<Row> rows = out.collectAsList();
    List<String> expected = rows.stream().map(Row::toString).sorted().toList();
    assertEquals(40, rows.size());
    assertEquals(Set.copyOf(java.util.stream.IntStream.rangeClosed(1, 40).boxed().toList()),
        rows.stream().map(r -> r.<Integer>getAs("gme_rank")).collect(Collectors.toSet()));
    Set<Long> smoteIds = smote.transform(frame).select(col("row")).collectAsList().stream().map(r -> r.getLong(0))
        .collect(Collectors.toSet());
    assertEquals(1000, smoteIds.size(), "SMOTE's rows: 500 + 500, unique ids");
    assertTrue(rows.stream().allMatch(r -> smoteIds.contains(r.<Long>getAs("row"))));
    assertEquals(Set.of("neg", "pos"), rows.stream().map(r -> r.<String>getAs("diabetes")).collect(Collectors.toSet()));

    String modelPath = dir.resolve("model").toString();
    fitted.write().overwrite().save(modelPath);
    assertEquals(expected, sorted(PipelineModel.load(modelPath).transform(frame)), "loaded PipelineModel");
    String pipelinePath = dir.resolve("pipeline").toString();
    pipeline.write().overwrite().save(pipelinePath);
    Pipeline reloaded = Pipeline.load(pipelinePath);
    assertEquals(3, reloaded.getStages().length);
    assertEquals(expected, sorted(reloaded.fit(frame).transform(frame)), "loaded Pipeline, fitted again");
  }
}
