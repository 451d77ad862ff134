package io.sampleforge.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Loads an mlbench CSV from test resources with its 0-based data-row index as column "row"
 * (the index imbalanced-learn and the golden files use), numeric columns as double and the label
 * as string, optionally relabelled one-vs-rest.
 */
public final class MlbenchData {
  public final List<String> featureNames = new ArrayList<>();
  public final List<double[]> features = new ArrayList<>();
  public final List<String> labels = new ArrayList<>();
  public final String labelName;

  private MlbenchData(String labelName) {
    this.labelName = labelName;
  }

  public static MlbenchData read(String stem, String labelCol, String positive) {
    InputStream in = MlbenchData.class.getResourceAsStream("/mlbench/" + stem + ".csv");
    if (in == null) {
      throw new IllegalStateException("missing test resource mlbench/" + stem + ".csv");
    }
    MlbenchData data = new MlbenchData(labelCol);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String[] header = split(r.readLine());
      int labelIndex = -1;
      for (int i = 0; i < header.length; i++) {
        if (header[i].equals(labelCol)) {
          labelIndex = i;
        } else {
          data.featureNames.add(header[i].replace('.', '_'));
        }
      }
      String line;
      while ((line = r.readLine()) != null) {
        String[] cells = split(line);
        double[] x = new double[header.length - 1];
        int j = 0;
        for (int i = 0; i < cells.length; i++) {
          if (i == labelIndex) {
            String label = cells[i];
            data.labels.add(positive == null ? label : (label.equals(positive) ? positive : "rest"));
          } else {
            x[j++] = Double.parseDouble(cells[i]);
          }
        }
        data.features.add(x);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return data;
  }

  private static String[] split(String line) {
    String[] cells = line.split(",", -1);
    for (int i = 0; i < cells.length; i++) {
      cells[i] = cells[i].replace("\"", "");
    }
    return cells;
  }

  public String[] featureColumns() {
    return featureNames.toArray(new String[0]);
  }

  /** Columns: row (long), the features (double), label (string). */
  public Dataset<Row> frame(SparkSession spark, int partitions) {
    StructType schema = new StructType().add("row", DataTypes.LongType, false);
    for (String f : featureNames) {
      schema = schema.add(f, DataTypes.DoubleType, false);
    }
    schema = schema.add(labelName, DataTypes.StringType, false);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      Object[] v = new Object[featureNames.size() + 2];
      v[0] = (long) i;
      for (int j = 0; j < featureNames.size(); j++) {
        v[j + 1] = features.get(i)[j];
      }
      v[v.length - 1] = labels.get(i);
      rows.add(RowFactory.create(v));
    }
    return spark.createDataFrame(rows, schema).repartition(partitions);
  }
}
