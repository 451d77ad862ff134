package io.sampleforge.spark.tabular;

import io.sampleforge.errors.InputDataException;
import io.sampleforge.tabular.SmoteSettings;
import java.util.Arrays;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Input schema rules and the output schema of {@link Smote}: numeric feature columns become double
 * (interpolation produces non-integers), a Vector column stays a Vector, and three lineage columns
 * are appended. Cost: O(columns).
 */
final class SmoteSchema {
  private SmoteSchema() {}

  static void validate(StructType schema, SmoteSettings s) {
    field(schema, s.labelCol(), "label column");
    DataType labelType = field(schema, s.labelCol(), "label column").dataType();
    if (!(labelType instanceof org.apache.spark.sql.types.AtomicType)) {
      throw InputDataException.of(s.labelCol(), "(the label) must be a string, numeric or boolean column", "type " + labelType.simpleString());
    }
    if (s.vectorFeatures()) {
      DataType t = field(schema, s.featuresCol(), "features column").dataType();
      if (!(t instanceof VectorUDT)) {
        throw InputDataException.of(s.featuresCol(), "(featuresCol) must be an ML Vector column", "type " + t.simpleString());
      }
    } else {
      for (String c : s.featureCols()) {
        DataType t = field(schema, c, "feature column").dataType();
        if (!(t instanceof NumericType)) {
          throw InputDataException.of(c, "(a feature column) must be numeric", "type " + t.simpleString());
        }
      }
    }
    for (String c : s.categoricalCols()) {
      DataType t = field(schema, c, "categorical column").dataType();
      if (!(t instanceof org.apache.spark.sql.types.AtomicType)) {
        throw InputDataException.of(c, "(a categorical column) must be a string, numeric or boolean column", "type " + t.simpleString());
      }
    }
    if (s.idCol() != null) {
      field(schema, s.idCol(), "id column");
    }
    for (String lineage : new String[] {s.isSyntheticCol(), s.parentIdCol(), s.neighborIdCol()}) {
      if (Arrays.asList(schema.fieldNames()).contains(lineage)) {
        throw InputDataException.of(lineage, "(a lineage column name) must not already exist in the input; rename it in the config", "existing column '" + lineage + "'");
      }
    }
  }

  static StructType output(StructType schema, SmoteSettings s) {
    validate(schema, s);
    StructType out = new StructType();
    for (StructField f : schema.fields()) {
      if (f.name().equals(s.idCol())) {
        out = out.add(f.name(), SyntheticIds.outputType(s.idCol(), f.dataType()), f.nullable(), f.metadata());
      } else if (!s.vectorFeatures() && s.featureCols().contains(f.name())) {
        out = out.add(f.name(), DataTypes.DoubleType, f.nullable(), f.metadata());
      } else {
        out = out.add(f);
      }
    }
    DataType idType = s.idCol() == null ? DataTypes.LongType : schema.apply(s.idCol()).dataType();
    return out.add(s.isSyntheticCol(), DataTypes.BooleanType, false)
        .add(s.parentIdCol(), idType, true)
        .add(s.neighborIdCol(), idType, true);
  }

  private static StructField field(StructType schema, String name, String role) {
    if (!Arrays.asList(schema.fieldNames()).contains(name)) {
      throw InputDataException.of(name, "(" + role + ") must exist in the input", "columns are " + Arrays.toString(schema.fieldNames()));
    }
    return schema.apply(name);
  }
}
