package io.sampleforge.diffusion.posterior;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.random.Hash64;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sparse m x D measurement matrix as (row, column, value) triples, 0-based (config key {@code
 * operator.matrix_file}: a Matrix Market coordinate file), validated on construction: entries inside
 * the matrix and finite. {@link #operator} builds the {@link SparseLinearOperator}; {@link #describe}
 * records the shape, the number of entries and a 64-bit hash of the triples (provenance without
 * copying the matrix).
 */
public record SparseMatrix(int rows, int columns, int[] rowIndex, int[] columnIndex, double[] values)
    implements Serializable {
  public SparseMatrix {
    if (rows < 1 || columns < 1) {
      throw ConfigException.of("operator.matrix_file", "must describe an m x D matrix with m, D >= 1",
          rows + " x " + columns);
    }
    if (rowIndex == null || columnIndex == null || values == null || rowIndex.length != values.length
        || columnIndex.length != values.length) {
      throw new IllegalArgumentException("row, column and value arrays must have one length");
    }
    rowIndex = rowIndex.clone();
    columnIndex = columnIndex.clone();
    values = values.clone();
    operatorOf(rows, columns, rowIndex, columnIndex, values, 0.0); // validates every entry, naming it
  }

  private static SparseLinearOperator operatorOf(int m, int d, int[] r, int[] c, double[] v, double sigmaY) {
    return new SparseLinearOperator(m, d, r, c, v, sigmaY);
  }

  /** y = A x + eta with this A. */
  public SparseLinearOperator operator(double sigmaY) {
    return operatorOf(rows, columns, rowIndex, columnIndex, values, sigmaY);
  }

  /** Shape, entries and a hash of the triples. */
  public Map<String, Object> describe() {
    long h = Hash64.combine(rows, columns);
    for (int e = 0; e < values.length; e++) {
      h = Hash64.combine(Hash64.combine(h, ((long) rowIndex[e] << 32) | columnIndex[e]),
          Double.doubleToLongBits(values[e]));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", rows);
    m.put("columns", columns);
    m.put("entries", values.length);
    m.put("hash", String.format("%016x", h));
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparseMatrix s && rows == s.rows && columns == s.columns
        && java.util.Arrays.equals(rowIndex, s.rowIndex) && java.util.Arrays.equals(columnIndex, s.columnIndex)
        && java.util.Arrays.equals(values, s.values);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(rows, columns, java.util.Arrays.hashCode(rowIndex),
        java.util.Arrays.hashCode(columnIndex), java.util.Arrays.hashCode(values));
  }
}
