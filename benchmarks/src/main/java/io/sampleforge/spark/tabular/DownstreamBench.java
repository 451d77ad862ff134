package io.sampleforge.spark.tabular;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark (not a test): the downstream check of the SMOTE family. For each data set and method,
 * a Spark ML logistic regression is trained on (a) Sampleforge's output for the training split,
 * (b) imbalanced-learn's output for the same split and method, (c) the training split as is, and
 * evaluated on the fixed held-out split: balanced accuracy and minority recall. Prints a Markdown
 * table. Data: bench/family/downstream_split.py; run: bench/family/downstream.sh.
 */
public final class DownstreamBench {
  private static final String[] METHODS = {"smote", "borderline-1", "borderline-2", "adasyn", "random", "smote+enn", "smote+tomek"};

  private DownstreamBench() {}

  public static void main(String[] args) {
    String root = args.length > 0 ? args[0] : "bench-out/downstream";
    SparkSession spark = SparkSession.builder().master("local[2]").appName("downstream")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    System.out.println("| data set | method | rows trained on (sampleforge / imblearn) | balanced accuracy: sampleforge | imblearn | minority recall: sampleforge | imblearn |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|");
    for (String[] set : new String[][] {{"Satellite", "damp grey soil"}, {"LetterRecognition", "Z"}}) {
      String dir = root + "/" + set[0];
      Dataset<Row> train = csv(spark, dir + "/train.csv");
      Dataset<Row> test = csv(spark, dir + "/test.csv");
      String[] features = java.util.Arrays.stream(train.columns()).filter(c -> c.startsWith("f")).toArray(String[]::new);
      double[] base = evaluate(train, test, features, set[1]);
      System.out.printf("| %s | none (no resampling) | %d | %.4f | – | %.4f | – |%n", set[0], train.count(), base[0], base[1]);
      for (String m : METHODS) {
        String method = m.contains("+") ? m.substring(0, m.indexOf('+')) : m;
        String clean = m.contains("+") ? m.substring(m.indexOf('+') + 1) : "none";
        Dataset<Row> ours = new Smote().setLabelCol("label").setFeatureCols(features).setIdCol("id").setMethod(method)
            .setClean(clean).setSeed(1).transform(train).cache();
        Dataset<Row> theirs = csv(spark, dir + "/imblearn-" + m + ".csv");
        double[] a = evaluate(ours, test, features, set[1]);
        double[] b = evaluate(theirs, test, features, set[1]);
        System.out.printf("| %s | %s | %d / %d | %.4f | %.4f | %.4f | %.4f |%n", set[0], m, ours.count(), theirs.count(),
            a[0], b[0], a[1], b[1]);
        ours.unpersist();
      }
    }
    spark.stop();
  }

  private static Dataset<Row> csv(SparkSession spark, String path) {
    return spark.read().option("header", "true").option("inferSchema", "true").csv(path)
        .withColumn("label", col("label").cast("string"));
  }

  /** {balanced accuracy, minority recall} on {@code test} of a logistic regression trained on {@code train}. */
  private static double[] evaluate(Dataset<Row> train, Dataset<Row> test, String[] features, String positive) {
    VectorAssembler va = new VectorAssembler().setInputCols(features).setOutputCol("x");
    Dataset<Row> tr = va.transform(train).withColumn("y", when(col("label").equalTo(positive), 1.0).otherwise(0.0));
    Dataset<Row> te = va.transform(test).withColumn("y", when(col("label").equalTo(positive), 1.0).otherwise(0.0));
    LogisticRegressionModel model = new LogisticRegression().setFeaturesCol("x").setLabelCol("y").setMaxIter(200).fit(tr);
    List<Row> rows = model.transform(te).select(col("y"), col("prediction")).collectAsList();
    long tp = 0;
    long fn = 0;
    long tn = 0;
    long fp = 0;
    for (Row r : rows) {
      boolean pos = r.getDouble(0) == 1.0;
      boolean pred = r.getDouble(1) == 1.0;
      if (pos) {
        tp += pred ? 1 : 0;
        fn += pred ? 0 : 1;
      } else {
        tn += pred ? 0 : 1;
        fp += pred ? 1 : 0;
      }
    }
    double tpr = (double) tp / Math.max(1, tp + fn);
    double tnr = (double) tn / Math.max(1, tn + fp);
    return new double[] {(tpr + tnr) / 2, tpr};
  }
}
