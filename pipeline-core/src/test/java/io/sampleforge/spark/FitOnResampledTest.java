package io.sampleforge.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.spark.common.FitOnResampled;
import io.sampleforge.spark.tabular.Smote;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * imbalanced-learn's convention through FitOnResampled on 300 rows of the Pima table: the classifier is fitted
 * on SMOTE's balanced rows (its coefficients equal those of a classifier fitted directly on
 * Smote.transform's output, and differ from one fitted on the original rows), while the fitted
 * PipelineModel scores exactly the rows it is given. The Pipeline and the PipelineModel save and
 * load with the same results.
 */
class FitOnResampledTest extends LocalSparkTest {
  @TempDir
  Path dir;

  @Test
  void resamplesWhileFittingOnlyAndSavesAndLoads() throws java.io.IOException {
    MlbenchData pima = MlbenchData.read("PimaIndiansDiabetes", "diabetes", null);
    Dataset<Row> frame = pima.frame(spark, 2).filter("row < 300");
    VectorAssembler assemble = new VectorAssembler().setInputCols(pima.featureColumns()).setOutputCol("features");
    StringIndexer index = new StringIndexer().setInputCol("diabetes").setOutputCol("label").setStringOrderType("alphabetAsc");
    Smote smote = new Smote().setLabelCol("label").setFeaturesCol("features").setSeed(7);
    LogisticRegression lr = new LogisticRegression().setMaxIter(20);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assemble, index,
        new FitOnResampled<LogisticRegressionModel>().setResampler(smote).setEstimator(lr)});

    PipelineModel fitted = pipeline.fit(frame);
    assertEquals(3, fitted.stages().length);
    LogisticRegressionModel model = (LogisticRegressionModel) fitted.stages()[2];
    Dataset<Row> prepared = new Pipeline().setStages(new PipelineStage[] {assemble, index}).fit(frame).transform(frame);
    double[] direct = lr.fit(smote.transform(prepared)).coefficients().toArray();
    assertArrayEquals(direct, model.coefficients().toArray(), 1e-9, "fitted on SMOTE's rows");
    assertFalse(Arrays.equals(lr.fit(prepared).coefficients().toArray(), model.coefficients().toArray()),
        "the resampling changed the fit");

    Dataset<Row> scored = fitted.transform(frame);
    assertEquals(300, scored.count(), "transform scores the given rows: no resampling");
    assertTrue(Arrays.asList(scored.columns()).contains("prediction"));
    List<String> expected = scored.select("row", "prediction", "probability").collectAsList().stream()
        .map(Row::toString).sorted().toList();

    String modelPath = dir.resolve("model").toString();
    fitted.write().overwrite().save(modelPath);
    assertEquals(expected, PipelineModel.load(modelPath).transform(frame).select("row", "prediction", "probability")
        .collectAsList().stream().map(Row::toString).sorted().toList());
    String pipelinePath = dir.resolve("pipeline").toString();
    pipeline.write().overwrite().save(pipelinePath);
    Pipeline loaded = Pipeline.load(pipelinePath);
    FitOnResampled<?> wrapper = (FitOnResampled<?>) loaded.getStages()[2];
    assertEquals(smote.settings(), ((Smote) wrapper.getResampler()).settings());
    LogisticRegressionModel refitted = (LogisticRegressionModel) loaded.fit(frame).stages()[2];
    assertArrayEquals(model.coefficients().toArray(), refitted.coefficients().toArray(), 1e-12);
  }
}
