package io.sampleforge.spark.subset;

import io.sampleforge.spark.common.ColumnNames;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.sampleforge.subset.GmeSettings;
import io.sampleforge.subset.MissingValues;
import io.sampleforge.errors.InputDataException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns a GME input table into one row per (stratum, item): the input may be long (one row per
 * relation, scalar attribute columns) or wide (array-valued attribute columns), or mixed; every
 * attribute value becomes a string, missing values are mapped per {@link MissingValues}, and each
 * column's values are gathered into a sorted array, so the selection sees the same input whatever
 * the partitioning. Columns: __stratum (original value or null), __stratum_key (its string form),
 * __item, __key (xxhash64 of the item id), __v0..__v{N-1}. Cost: one shuffle of the relations.
 */
final class GmeItems {
  static final String STRATUM = "__stratum";
  static final String STRATUM_KEY = "__stratum_key";
  static final String ITEM = "__item";
  static final String KEY = "__key";

  private GmeItems() {}

  static String values(int j) {
    return "__v" + j;
  }

  /** Checks the columns exist with usable types and that no item id is null. */
  static void validate(Dataset<Row> input, GmeSettings s) {
    validateSchema(input.schema(), s);
    long nullItems = input.filter(col(ColumnNames.quoted(s.itemColumn())).isNull()).count();
    if (nullItems > 0) {
      throw InputDataException.of(s.itemColumn(), "must not be null (every relation needs an item id)",
          nullItems + " rows with a null id");
    }
  }

  /** Checks the item, attribute and stratum columns exist with usable types (no Spark job). */
  static void validateSchema(StructType schema, GmeSettings s) {
    List<String> names = Arrays.asList(schema.fieldNames());
    List<String> needed = new ArrayList<>();
    needed.add(s.itemColumn());
    needed.addAll(s.attributes());
    if (s.stratifyBy() != null) {
      needed.add(s.stratifyBy());
    }
    for (String c : needed) {
      if (!names.contains(c)) {
        throw InputDataException.of(c, "must exist in the input (columns: " + String.join(", ", names) + ")", "missing");
      }
    }
    for (String c : s.attributes()) {
      DataType t = schema.apply(c).dataType();
      DataType element = t instanceof ArrayType a ? a.elementType() : t;
      if (!(element instanceof AtomicType)) {
        throw InputDataException.of(c, "must hold scalar values or arrays of scalars", t.simpleString());
      }
    }
    DataType itemType = schema.apply(s.itemColumn()).dataType();
    if (!(itemType instanceof AtomicType)) {
      throw InputDataException.of(s.itemColumn(), "must hold scalar item ids", itemType.simpleString());
    }
  }

  /** One row per (stratum, item) with its sorted values per attribute column. */
  static Dataset<Row> of(Dataset<Row> input, GmeSettings s) {
    StructType schema = input.schema();
    List<Column> select = new ArrayList<>();
    select.add((s.stratifyBy() == null ? lit(null).cast(DataTypes.StringType) : col(ColumnNames.quoted(s.stratifyBy()))).as(STRATUM));
    select.add(col(ColumnNames.quoted(s.itemColumn())).as(ITEM));
    for (int j = 0; j < s.attributes().size(); j++) {
      String name = s.attributes().get(j);
      StructField f = schema.apply(name);
      select.add(valuesOf(col(ColumnNames.quoted(name)), f.dataType() instanceof ArrayType, s.missing()).as(values(j)));
    }
    List<Column> aggs = new ArrayList<>();
    for (int j = 0; j < s.attributes().size(); j++) {
      aggs.add(array_sort(flatten(collect_list(col(values(j))))).as(values(j)));
    }
    Dataset<Row> grouped = input.select(select.toArray(Column[]::new))
        .groupBy(col(STRATUM), col(ITEM))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    List<Column> out = new ArrayList<>();
    out.add(col(STRATUM));
    out.add(col(STRATUM).cast(DataTypes.StringType).as(STRATUM_KEY));
    out.add(col(ITEM));
    out.add(xxhash64(col(ITEM)).as(KEY));
    for (int j = 0; j < s.attributes().size(); j++) {
      out.add(col(values(j)));
    }
    return grouped.select(out.toArray(Column[]::new));
  }

  /** A row's values of one attribute as array<string>, with missing values mapped. */
  private static Column valuesOf(Column c, boolean isArray, MissingValues missing) {
    Column empty = array().cast(DataTypes.createArrayType(DataTypes.StringType));
    Column missingValue = array(lit(""));
    if (!isArray) {
      Column v = c.cast(DataTypes.StringType);
      return missing == MissingValues.VALUE
          ? when(v.isNull(), missingValue).otherwise(array(v))
          : when(v.isNull().or(v.equalTo("")), empty).otherwise(array(v));
    }
    Column strings = transform(c, x -> x.cast(DataTypes.StringType));
    return missing == MissingValues.VALUE
        ? when(c.isNull(), missingValue).otherwise(transform(strings, x -> when(x.isNull(), lit("")).otherwise(x)))
        : when(c.isNull(), empty).otherwise(filter(strings, x -> x.isNotNull().and(x.notEqual(""))));
  }

}
