package io.sampleforge.spark.common;

import io.sampleforge.subset.RelationTable;
import io.sampleforge.tabular.ClassificationTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Spark front of the generated tables: {@link ClassificationTable} (columns {@code id} (long),
 * {@code f0..f(d-1)} (double), {@code label} (int); O(d²) per row) and {@link RelationTable}
 * (one row per relation: {@code item} (string) and one string column per attribute). Generated in
 * parallel from {@code spark.range}; each row depends only on its id. No shuffle.
 */
public final class SyntheticTables {
  private SyntheticTables() {}

  /** Exact rows of class {@code c} in the table {@code spec} describes (largest-remainder apportionment). */
  public static long classSize(ClassificationTable.Spec spec, int c) {
    return new ClassificationTable(spec).classSize(c);
  }

  public static StructType schema(int features) {
    StructType s = new StructType().add("id", DataTypes.LongType, false);
    for (int j = 0; j < features; j++) {
      s = s.add("f" + j, DataTypes.DoubleType, false);
    }
    return s.add("label", DataTypes.IntegerType, false);
  }

  public static Dataset<Row> classification(SparkSession spark, ClassificationTable.Spec spec, int partitions) {
    ClassificationTable table = new ClassificationTable(spec);
    StructType schema = schema(spec.features());
    return spark.range(0, spec.rows(), 1, partitions).mapPartitions(
        (MapPartitionsFunction<Long, Row>) ids -> new Iterator<>() {
          @Override
          public boolean hasNext() {
            return ids.hasNext();
          }

          @Override
          public Row next() {
            long id = ids.next();
            double[] x = table.features(id);
            List<Object> v = new ArrayList<>(x.length + 2);
            v.add(id);
            for (double d : x) {
              v.add(d);
            }
            v.add(table.label(id));
            return RowFactory.create(v.toArray());
          }
        }, Encoders.row(schema));
  }

  /** One row per relation of a {@link RelationTable}: item, then the attribute columns. */
  public static Dataset<Row> relations(SparkSession spark, RelationTable spec, int partitions) {
    StructType schema = new StructType().add("item", DataTypes.StringType, false);
    for (String c : spec.columns()) {
      schema = schema.add(c, DataTypes.StringType, false);
    }
    int cols = spec.columns().size();
    return spark.range(0, spec.items(), 1, partitions).flatMap(
        (org.apache.spark.api.java.function.FlatMapFunction<Long, Row>) i -> {
          String id = spec.itemId(i);
          int n = spec.relations(i);
          List<Row> rows = new ArrayList<>(n);
          for (int r = 0; r < n; r++) {
            Object[] v = new Object[cols + 1];
            v[0] = id;
            for (int j = 0; j < cols; j++) {
              v[j + 1] = spec.value(i, r, j);
            }
            rows.add(RowFactory.create(v));
          }
          return rows.iterator();
        }, Encoders.row(schema));
  }
}
