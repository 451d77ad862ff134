package io.sampleforge.diffusion.training;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import java.util.Arrays;
import java.util.List;

/**
 * Per-column standardisation z = (x - mean) / std of a numeric table (sklearn's {@code
 * StandardScaler}: the population std, ddof 0). A constant column has std 0; its divisor is 1, so it
 * standardises to 0 and maps back to its constant. The denoiser is trained and sampled in standardised
 * space; {@link #toData} maps solver samples back to the table's units. Cost O(rows D) per pass; the
 * mean and variance are two-pass float64 sums.
 *
 * @param columns the column names, in row order
 * @param means per-column mean
 * @param stds per-column divisor (the population std, or 1 for a constant column), > 0
 */
public record Standardisation(List<String> columns, double[] means, double[] stds) {
  public Standardisation {
    columns = List.copyOf(columns);
    if (means.length != columns.size() || stds.length != columns.size()) {
      throw new IllegalArgumentException(columns.size() + " columns, " + means.length + " means, " + stds.length
          + " stds");
    }
    for (int c = 0; c < stds.length; c++) {
      if (!Double.isFinite(means[c]) || !(stds[c] > 0) || !Double.isFinite(stds[c])) {
        throw new IllegalArgumentException("column '" + columns.get(c) + "': mean " + means[c] + ", std " + stds[c]);
      }
    }
    means = means.clone();
    stds = stds.clone();
  }

  /**
   * Fits the standardisation of {@code rows} (each row one value per column, finite). Errors: a row of
   * another length or a non-finite value ({@link InputDataException}, naming the column and row), fewer
   * than 2 rows or no columns ({@link ConfigException}).
   */
  public static Standardisation fit(double[][] rows, List<String> columns) {
    if (columns == null || columns.isEmpty()) {
      throw ConfigException.of("columns", "must name at least one numeric column", columns);
    }
    if (new java.util.HashSet<>(columns).size() != columns.size()) {
      throw ConfigException.of("columns", "must not repeat a name", columns);
    }
    if (rows == null || rows.length < 2) {
      throw ConfigException.of("rows", "must hold at least 2 rows to train on", rows == null ? null : rows.length);
    }
    int d = columns.size();
    double[] sum = new double[d];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r] == null || rows[r].length != d) {
        throw new InputDataException("row " + r + " holds " + (rows[r] == null ? null : rows[r].length)
            + " values; the columns are " + columns + " (" + d + ")");
      }
      for (int c = 0; c < d; c++) {
        if (!Double.isFinite(rows[r][c])) {
          throw InputDataException.of(columns.get(c), "must hold finite numbers to train a denoiser (row " + r + ")",
              rows[r][c]);
        }
        sum[c] += rows[r][c];
      }
    }
    double[] mean = new double[d];
    double[] std = new double[d];
    for (int c = 0; c < d; c++) {
      mean[c] = sum[c] / rows.length;
    }
    double[] sq = new double[d];
    for (double[] row : rows) {
      for (int c = 0; c < d; c++) {
        double v = row[c] - mean[c];
        sq[c] += v * v;
      }
    }
    for (int c = 0; c < d; c++) {
      double s = Math.sqrt(sq[c] / rows.length);
      std[c] = s > 0 && Double.isFinite(s) ? s : 1.0;
    }
    return new Standardisation(columns, mean, std);
  }

  public int dimension() {
    return columns.size();
  }

  @Override
  public double[] means() {
    return means.clone();
  }

  @Override
  public double[] stds() {
    return stds.clone();
  }

  /** The standardised copy of {@code rows} (flat, row-major [rows, D]). */
  public double[] toStandard(double[][] rows) {
    int d = dimension();
    double[] out = new double[rows.length * d];
    for (int r = 0; r < rows.length; r++) {
      for (int c = 0; c < d; c++) {
        out[r * d + c] = (rows[r][c] - means[c]) / stds[c];
      }
    }
    return out;
  }

  /** Solver samples (flat, row-major [rows, D], standardised) mapped back to the table's units: x = mean + std z. */
  public double[][] toData(double[] standard) {
    int d = dimension();
    if (standard.length % d != 0) {
      throw new IllegalArgumentException(standard.length + " values are not rows of " + d);
    }
    double[][] out = new double[standard.length / d][d];
    for (int r = 0; r < out.length; r++) {
      for (int c = 0; c < d; c++) {
        out[r][c] = means[c] + stds[c] * standard[r * d + c];
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Standardisation s && columns.equals(s.columns) && Arrays.equals(means, s.means)
        && Arrays.equals(stds, s.stds);
  }

  @Override
  public int hashCode() {
    return 31 * columns.hashCode() + Arrays.hashCode(means) * 17 + Arrays.hashCode(stds);
  }

  @Override
  public String toString() {
    return "Standardisation" + columns + " means " + Arrays.toString(means) + " stds " + Arrays.toString(stds);
  }
}
