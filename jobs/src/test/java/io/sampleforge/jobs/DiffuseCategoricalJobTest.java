package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.SampleKey;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Categorical columns through {@code train-denoiser} and {@code diffuse} (one-hot encoded for training,
 * decoded by argmax when sampling): a table whose category decides the numeric column's mode (red: x
 * near -2, 70 % of rows; blue: x near +2) must come back with string levels only from the table, the
 * category shares, and the joint structure (x's sign by level). Bad categorical input exits 3 / 2.
 */
class DiffuseCategoricalJobTest extends io.sampleforge.spark.LocalSparkTest {
  private static final String CONFIG = "../conf/jobs/diffuse.yaml";
  private static final String TRAIN = "../conf/jobs/train-denoiser.yaml";

  @TempDir
  static Path dir;

  @Test
  void categoricalColumnsAreLearnedJointlyAndDecodedToTheirLevels() throws IOException {
    SampleKey[] keys = new SampleKey[3000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = new SampleKey(i, 0);
    }
    double[] z = new GaussianDraws(5).exactSamples(GaussianMixture.diagonal(new double[] {1.0},
        new double[][] {{0.0, 0.0}}, new double[][] {{1.0, 1.0}}), keys);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      boolean red = i % 10 < 7;
      rows.add(RowFactory.create((red ? -2.0 : 2.0) + 0.3 * z[2 * i], z[2 * i + 1], red ? "red" : "blue"));
    }
    StructType schema = new StructType().add("x", DataTypes.DoubleType).add("y", DataTypes.DoubleType)
        .add("color", DataTypes.StringType);
    String table = dir.resolve("colors.parquet").toString();
    spark.createDataFrame(rows, schema).repartition(2).write().parquet(table);
    String model = dir.resolve("model").toString();
    assertEquals(0, SampleforgeMain.execute("train-denoiser", "-c", TRAIN, "--input", table, "--output", model,
        "--set", "columns=[x,y]", "--set", "categorical=[color]", "--set", "epochs=30", "--set", "batch_size=128",
        "--set", "hidden_width=64", "--set", "hidden_layers=2"));
    assertEquals("[x, y, color=blue, color=red]",
        new ObjectMapper().readTree(new File(model, "_manifest.json")).at("/model/columns").toString()
            .replace("\"", "").replace(",", ", "));

    String samples = dir.resolve("samples").toString();
    assertEquals(0, SampleforgeMain.execute("diffuse", "-c", CONFIG, "--output", samples, "--rows", "800",
        "--set", "model.type=trained", "--set", "model.dir=" + model + "/model", "--set", "model.columns=null",
        "--set", "model.weights=null", "--set", "model.means=null", "--set", "model.covariances=null",
        "--set", "quality_samples=0"));
    assertEquals(List.of("id", "sample_index", "x", "y", "color", "nfe", "solver", "model", "seed"),
        List.of(spark.read().parquet(samples).columns()));
    assertEquals(DataTypes.StringType, spark.read().parquet(samples).schema().apply("color").dataType());
    List<Row> out = spark.read().parquet(samples).collectAsList();
    int red = 0;
    double redX = 0;
    double blueX = 0;
    for (Row r : out) {
      String c = r.getString(4);
      assertTrue(c.equals("red") || c.equals("blue"), c);
      if (c.equals("red")) {
        red++;
        redX += r.getDouble(2);
      } else {
        blueX += r.getDouble(2);
      }
    }
    double share = red / 800.0;
    // seed 42: 0.76 (the 30-epoch MLP's own error; binomial standard error 0.016); a model that ignored the
    // category would give about 0.5, one that collapsed to the majority 1.0
    assertEquals(0.7, share, 0.1, "share of red");
    assertTrue(redX / red < -1.0, "red rows sit near x = -2: mean " + redX / red);
    assertTrue(blueX / (800 - red) > 1.0, "blue rows sit near x = +2: mean " + blueX / (800 - red));

    StructType nullable = new StructType().add("x", DataTypes.DoubleType).add("color", DataTypes.StringType);
    String withNull = dir.resolve("null.parquet").toString();
    spark.createDataFrame(List.of(RowFactory.create(1.0, "red"), RowFactory.create(2.0, null)), nullable).write()
        .parquet(withNull);
    Cli c = Cli.run("train-denoiser", "-c", TRAIN, "--input", withNull, "--output", dir.resolve("bad").toString(),
        "--set", "columns=[x]", "--set", "categorical=[color]");
    assertEquals(3, c.code(), c.err());
    assertTrue(c.err().contains("'color'") && c.err().contains("non-null"), c.err());
    c = Cli.run("train-denoiser", "-c", TRAIN, "--input", withNull, "--output", dir.resolve("bad").toString(),
        "--set", "columns=[x]", "--set", "categorical=[x]");
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("'categorical/columns'"), c.err());
    assertFalse(new File(dir.resolve("bad").toString()).exists());
  }
}
