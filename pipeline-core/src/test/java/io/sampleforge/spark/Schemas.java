package io.sampleforge.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Tuple;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * jqwik generators of Spark schemas: up to eight columns (names repeat sometimes) named from a
 * pool that holds the columns a job's settings mention plus odd names (dots, backticks, blanks),
 * each of a random Spark SQL type: atomic types, arrays, maps, structs (nested) and ML Vectors.
 */
public final class Schemas {
  private Schemas() {}

  /**
   * Schemas near a valid one: each wanted column is usually present with its wanted type, else
   * of a random type or absent; up to three more columns named from {@code others} or at random
   * come before or after (repeating names at times).
   */
  public static Arbitrary<StructType> around(Map<String, DataType> wanted, List<String> others) {
    List<Arbitrary<List<StructField>>> columns = new ArrayList<>();
    for (Map.Entry<String, DataType> w : wanted.entrySet()) {
      Arbitrary<List<StructField>> good = Arbitraries.just(List.of(DataTypes.createStructField(w.getKey(), w.getValue(), true)));
      Arbitrary<List<StructField>> retyped = types(1).map(t -> List.of(DataTypes.createStructField(w.getKey(), t, true)));
      columns.add(Arbitraries.frequencyOf(Tuple.of(12, good), Tuple.of(1, retyped), Tuple.of(1, Arbitraries.just(List.of()))));
    }
    Arbitrary<List<StructField>> extras = over(others).map(st -> List.of(st.fields())).map(l -> l.subList(0, Math.min(3, l.size())));
    return Combinators.combine(Combinators.combine(columns).as(ls -> ls), extras, Arbitraries.of(true, false))
        .as((ls, more, first) -> {
          List<StructField> fields = new ArrayList<>();
          if (first) {
            fields.addAll(more);
          }
          ls.forEach(fields::addAll);
          if (!first) {
            fields.addAll(more);
          }
          return new StructType(fields.toArray(StructField[]::new));
        });
  }

  /** Schemas whose column names come from {@code configured} and a few strangers. */
  static Arbitrary<StructType> over(List<String> configured) {
    Arbitrary<String> name = Arbitraries.oneOf(
        Arbitraries.of(configured),
        Arbitraries.of(configured),
        Arbitraries.of("x", "a.b", "`q`", " ", "", "LABEL", "f0 ", "is_synthetic", "gme_rank"),
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(4));
    Arbitrary<StructField> field = Combinators.combine(name, types(2), Arbitraries.of(true, false))
        .as((n, t, nullable) -> DataTypes.createStructField(n, t, nullable));
    // new StructType(...) keeps repeated names, as a join can leave them; createStructType refuses them
    return field.list().ofMaxSize(8).map(fs -> new StructType(fs.toArray(StructField[]::new)));
  }

  /** Spark SQL types nested up to {@code depth}. */
  static Arbitrary<DataType> types(int depth) {
    Arbitrary<DataType> atomic = Arbitraries.of(DataTypes.StringType, DataTypes.DoubleType, DataTypes.FloatType,
        DataTypes.IntegerType, DataTypes.LongType, DataTypes.ShortType, DataTypes.ByteType, DataTypes.BooleanType,
        DataTypes.createDecimalType(10, 2), DataTypes.DateType, DataTypes.TimestampType, DataTypes.BinaryType,
        DataTypes.NullType, new VectorUDT());
    if (depth == 0) {
      return atomic;
    }
    Arbitrary<DataType> inner = types(depth - 1);
    return Arbitraries.frequencyOf(
        Tuple.of(6, atomic),
        Tuple.of(1, Combinators.combine(inner, Arbitraries.of(true, false))
            .as((t, n) -> (DataType) DataTypes.createArrayType(t, n))),
        Tuple.of(1, Combinators.combine(atomic, inner)
            .as((k, v) -> (DataType) DataTypes.createMapType(k, v))),
        Tuple.of(1, inner.list().ofMinSize(1).ofMaxSize(2).map(ts -> {
          StructType s = new StructType();
          for (int i = 0; i < ts.size(); i++) {
            s = s.add("s" + i, ts.get(i));
          }
          return (DataType) s;
        })));
  }
}
