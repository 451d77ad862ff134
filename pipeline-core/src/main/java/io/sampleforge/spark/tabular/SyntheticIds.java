package io.sampleforge.spark.tabular;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.sampleforge.errors.InputDataException;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;

/**
 * Ids of synthetic rows, unique in the output and a function of (parent id, synthetic index) alone,
 * so they are stable for the same input, config and seed. The parent's id stays in the lineage
 * column. Rules:
 * <ul>
 *   <li>integer ids (the output column becomes a long): {@code max + 1 + (parent − min) · M + child},
 *       where min and max are over every input id and M is an upper bound on one parent's children
 *       (the largest per-class synthetic count); distinct (parent, child) pairs give distinct values
 *       above every input id. Refused when that range overflows a long.</li>
 *   <li>string ids: {@code <parent>#<child>}; refused when an input id already ends in
 *       {@code #<digits>}, the only way a synthetic id could repeat an input one.</li>
 * </ul>
 * Cost: one aggregation over the input's id column (integers) or one filtered scan (strings).
 */
final class SyntheticIds {
  static final String SEPARATOR = "#";
  private final Column column;

  private SyntheticIds(Column column) {
    this.column = column;
  }

  /** The id column type of the output: long for integer ids, unchanged for strings. */
  static DataType outputType(String idCol, DataType inputType) {
    if (inputType instanceof IntegralType) {
      return DataTypes.LongType;
    }
    if (inputType.equals(DataTypes.StringType)) {
      return inputType;
    }
    throw InputDataException.of(idCol, "(the id column) must be an integer or string column (synthetic rows get ids "
        + "derived from their parent's)", "type " + inputType.simpleString());
  }

  /** Plans the ids for {@code input} (the valid input rows) when one parent has at most {@code maxChildren} children. */
  static SyntheticIds plan(Dataset<Row> input, String idCol, long maxChildren, String childCol) {
    Column id = col("`" + idCol + "`");
    DataType type = input.schema().apply(idCol).dataType();
    if (type instanceof IntegralType) {
      Row r = input.agg(min(id).cast("long"), max(id).cast("long")).first();
      long lo = r.getLong(0);
      long hi = r.getLong(1);
      long m = Math.max(1, maxChildren);
      try {
        Math.addExact(Math.addExact(hi, 1), Math.multiplyExact(Math.addExact(Math.subtractExact(hi, lo), 1), m));
      } catch (ArithmeticException e) {
        throw InputDataException.of(idCol, "(the id column) spans too wide a range to number synthetic rows after it: "
            + "max + (max − min + 1) × (children per parent, at most " + m + ") must fit a long",
            "min " + lo + ", max " + hi);
      }
      return new SyntheticIds(lit(hi + 1).plus(id.cast("long").minus(lit(lo)).multiply(lit(m))).plus(col(childCol)));
    }
    List<Row> clash = input.select(id).filter(id.rlike(SEPARATOR + "[0-9]+$")).limit(1).collectAsList();
    if (!clash.isEmpty()) {
      throw InputDataException.of(idCol, "(the id column) must not end in '" + SEPARATOR + "<digits>', the form of "
          + "synthetic ids (<parent>" + SEPARATOR + "<index>), or a synthetic id could repeat it", "'" + clash.get(0).get(0) + "'");
    }
    return new SyntheticIds(concat(id.cast("string"), lit(SEPARATOR), col(childCol).cast("string")));
  }

  /** The id of a synthetic row, from its parent's id and its {@code child} index. */
  Column column() {
    return column;
  }
}
