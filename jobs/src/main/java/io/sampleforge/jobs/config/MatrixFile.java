package io.sampleforge.jobs.config;

import io.sampleforge.diffusion.posterior.SparseMatrix;
import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a measurement matrix from a file on the driver (config key {@code operator.matrix_file}): a
 * Matrix Market coordinate file ({@code .mtx}, as {@code scipy.io.mmwrite} writes a sparse matrix: header
 * {@code %%MatrixMarket matrix coordinate real|integer general}, {@code %} comments, a size line {@code m
 * D nnz}, then nnz lines {@code i j value}, 1-based) into a {@link SparseMatrix}, or a dense text file
 * (any other extension: m lines of D numbers separated by commas or blanks, {@code #} comments) into
 * rows; {@link #read} gives either as sparse triples. Every error names {@code operator.matrix_file}, the rule and the offending line. Cost: one read
 * of the file.
 */
final class MatrixFile {
  private static final String KEY = "operator.matrix_file";

  private MatrixFile() {}

  /** Whether the path is read as Matrix Market (sparse). */
  static boolean isSparse(String path) {
    return path.toLowerCase(Locale.ROOT).endsWith(".mtx");
  }

  private static List<String> lines(String path) {
    try {
      return Files.readAllLines(Path.of(path), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw ConfigException.of(KEY, "must name a readable local file (" + e.getClass().getSimpleName() + ")", path);
    }
  }

  /** Either format, as the sparse triples of its nonzero entries (a dense file keeps the same map). */
  static SparseMatrix read(String path) {
    if (isSparse(path)) {
      return sparse(path);
    }
    double[][] a = dense(path);
    List<int[]> at = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        if (a[i][j] != 0) {
          at.add(new int[] {i, j});
        }
      }
    }
    int[] r = new int[at.size()];
    int[] c = new int[at.size()];
    double[] v = new double[at.size()];
    for (int e = 0; e < r.length; e++) {
      r[e] = at.get(e)[0];
      c[e] = at.get(e)[1];
      v[e] = a[r[e]][c[e]];
    }
    return new SparseMatrix(a.length, a[0].length, r, c, v);
  }

  /** A dense matrix: m lines of D numbers. */
  static double[][] dense(String path) {
    List<double[]> rows = new ArrayList<>();
    List<String> text = lines(path);
    for (int n = 0; n < text.size(); n++) {
      String line = text.get(n).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] cells = line.split("[,\\s]+");
      double[] row = new double[cells.length];
      for (int j = 0; j < cells.length; j++) {
        row[j] = number(cells[j], path, n);
      }
      if (!rows.isEmpty() && row.length != rows.get(0).length) {
        throw ConfigException.of(KEY, "must have the same number of values on every line (" + rows.get(0).length
            + ")", path + " line " + (n + 1) + ": " + row.length + " values");
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw ConfigException.of(KEY, "must hold at least one row of numbers", path);
    }
    return rows.toArray(new double[0][]);
  }

  /** A sparse matrix from Matrix Market coordinate format. */
  static SparseMatrix sparse(String path) {
    List<String> text = lines(path);
    if (text.isEmpty() || !text.get(0).toLowerCase(Locale.ROOT).matches("%%matrixmarket\\s+matrix\\s+coordinate\\s+"
        + "(real|integer)\\s+general\\s*")) {
      throw ConfigException.of(KEY, "must start with '%%MatrixMarket matrix coordinate real general' (a .mtx file "
          + "is read as Matrix Market coordinate format)", path + " line 1: " + (text.isEmpty() ? "empty" : text.get(0)));
    }
    int n = 1;
    while (n < text.size() && (text.get(n).strip().startsWith("%") || text.get(n).isBlank())) {
      n++;
    }
    if (n >= text.size()) {
      throw ConfigException.of(KEY, "must have a size line 'm D entries'", path);
    }
    String[] size = text.get(n).strip().split("\\s+");
    if (size.length != 3) {
      throw ConfigException.of(KEY, "must have a size line 'm D entries'", path + " line " + (n + 1) + ": " + text.get(n));
    }
    int m = (int) number(size[0], path, n);
    int d = (int) number(size[1], path, n);
    int nnz = (int) number(size[2], path, n);
    int[] r = new int[nnz];
    int[] c = new int[nnz];
    double[] v = new double[nnz];
    int e = 0;
    for (n = n + 1; n < text.size(); n++) {
      String line = text.get(n).strip();
      if (line.isEmpty() || line.startsWith("%")) {
        continue;
      }
      String[] cells = line.split("\\s+");
      if (cells.length != 3 || e >= nnz) {
        throw ConfigException.of(KEY, "must list exactly " + nnz + " entries 'i j value' (1-based)", path + " line "
            + (n + 1) + ": " + line);
      }
      r[e] = (int) number(cells[0], path, n) - 1;
      c[e] = (int) number(cells[1], path, n) - 1;
      v[e] = number(cells[2], path, n);
      e++;
    }
    if (e != nnz) {
      throw ConfigException.of(KEY, "must list exactly " + nnz + " entries 'i j value' (the size line's count)",
          path + ": " + e + " entries");
    }
    return new SparseMatrix(m, d, r, c, v);
  }

  private static double number(String s, String path, int line) {
    try {
      double x = Double.parseDouble(s);
      if (!Double.isFinite(x)) {
        throw new NumberFormatException("not finite");
      }
      return x;
    } catch (NumberFormatException e) {
      throw ConfigException.of(KEY, "must hold finite numbers", path + " line " + (line + 1) + ": '" + s + "'");
    }
  }
}
