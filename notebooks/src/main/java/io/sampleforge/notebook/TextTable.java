package io.sampleforge.notebook;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The first rows of a table as aligned text, the value a notebook cell ends with to show rows (Spark's
 * {@code show()} prints to the JVM's console, which a notebook does not always capture). Cost:
 * collects {@code limit} rows to the driver.
 */
public record TextTable(List<String> columns, List<List<String>> rows) {
  public TextTable {
    columns = List.copyOf(columns);
    rows = rows.stream().map(List::copyOf).toList();
  }

  /** The first {@code limit} rows of {@code table} in its own order. */
  public static TextTable of(Dataset<Row> table, int limit) {
    List<List<String>> rows = new ArrayList<>();
    for (Row r : table.limit(limit).collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) {
        cells.add(String.valueOf(r.get(i)));
      }
      rows.add(cells);
    }
    return new TextTable(List.of(table.columns()), rows);
  }

  @Override
  public String toString() {
    int[] width = new int[columns.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = columns.get(c).length();
      for (List<String> r : rows) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, columns, width);
    for (int c = 0; c < width.length; c++) {
      out.append(c == 0 ? "" : "-+-").append("-".repeat(width[c]));
    }
    out.append('\n');
    rows.forEach(r -> line(out, r, width));
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells, int[] width) {
    for (int c = 0; c < width.length; c++) {
      String v = cells.get(c);
      out.append(c == 0 ? "" : " | ").append(v).append(" ".repeat(width[c] - v.length()));
    }
    out.append('\n');
  }
}
