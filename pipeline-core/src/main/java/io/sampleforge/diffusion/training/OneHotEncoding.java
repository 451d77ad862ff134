package io.sampleforge.diffusion.training;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The numeric table a denoiser is trained on, made from numeric and categorical columns: the numeric
 * columns first, in order, then one 0/1 column per level of each categorical column (named {@code
 * name=level}, levels in sorted order), the continuous-Gaussian treatment of one-hot columns that
 * TabDDPM uses as its baseline (Kotelnikov et al. 2023). {@link #decode} maps samples back (in the
 * table's units, after {@link Standardisation#toData}): numeric values as they are, and for each
 * categorical column the level whose one-hot value is largest (argmax; ties go to the first level).
 * Cost: O(rows x encoded columns) per pass, O(levels) memory.
 *
 * @param numeric the numeric column names
 * @param categorical the categorical columns with their levels
 */
public record OneHotEncoding(List<String> numeric, List<Categorical> categorical) implements java.io.Serializable {
  /** A categorical column and its levels (sorted, distinct, at least one). */
  public record Categorical(String name, List<String> levels) implements java.io.Serializable {
    public Categorical {
      levels = List.copyOf(levels);
      if (name == null || levels.isEmpty() || new HashSet<>(levels).size() != levels.size()) {
        throw ConfigException.of("categorical column " + name, "must have distinct levels, at least one", levels);
      }
    }
  }

  public OneHotEncoding {
    numeric = List.copyOf(numeric);
    categorical = List.copyOf(categorical);
    Set<String> names = new HashSet<>(numeric);
    for (Categorical c : categorical) {
      names.add(c.name());
    }
    if (names.size() != numeric.size() + categorical.size() || names.isEmpty()) {
      throw ConfigException.of("columns", "must name at least one column, each once", names);
    }
  }

  /** No categorical columns: the encoding of a numeric table. */
  public static OneHotEncoding numericOnly(List<String> columns) {
    return new OneHotEncoding(columns, List.of());
  }

  /**
   * The encoding whose levels are those seen in {@code values} (one row per table row, one value per
   * categorical column; null is refused, naming the column and row).
   */
  public static OneHotEncoding fit(List<String> numericColumns, List<String> categoricalColumns, String[][] values) {
    List<TreeSet<String>> seen = new ArrayList<>();
    for (int c = 0; c < categoricalColumns.size(); c++) {
      seen.add(new TreeSet<>());
    }
    for (int r = 0; r < values.length; r++) {
      checkRow(values, r, categoricalColumns);
      for (int c = 0; c < categoricalColumns.size(); c++) {
        seen.get(c).add(values[r][c]);
      }
    }
    List<Categorical> cats = new ArrayList<>();
    for (int c = 0; c < categoricalColumns.size(); c++) {
      if (seen.get(c).isEmpty()) {
        throw InputDataException.of(categoricalColumns.get(c), "must hold at least one value", "no rows");
      }
      cats.add(new Categorical(categoricalColumns.get(c), new ArrayList<>(seen.get(c))));
    }
    return new OneHotEncoding(numericColumns, cats);
  }

  /** The encoded column names: the numeric columns, then {@code name=level} per categorical level. */
  public List<String> encodedColumns() {
    List<String> out = new ArrayList<>(numeric);
    for (Categorical c : categorical) {
      for (String level : c.levels()) {
        out.add(c.name() + "=" + level);
      }
    }
    return out;
  }

  /** The encoded rows: numeric values, then each categorical value as a one-hot block. */
  public double[][] encode(double[][] numericValues, String[][] categoricalValues) {
    int rows = numericValues.length;
    if (!categorical.isEmpty() && categoricalValues.length != rows) {
      throw new IllegalArgumentException(rows + " numeric rows but " + categoricalValues.length + " categorical rows");
    }
    List<Map<String, Integer>> index = new ArrayList<>();
    for (Categorical c : categorical) {
      Map<String, Integer> m = new HashMap<>();
      for (int i = 0; i < c.levels().size(); i++) {
        m.put(c.levels().get(i), i);
      }
      index.add(m);
    }
    List<String> catNames = categorical.stream().map(Categorical::name).toList();
    int width = encodedColumns().size();
    double[][] out = new double[rows][width];
    for (int r = 0; r < rows; r++) {
      if (numericValues[r].length != numeric.size()) {
        throw new InputDataException("row " + r + " holds " + numericValues[r].length + " numeric values; the numeric "
            + "columns are " + numeric);
      }
      System.arraycopy(numericValues[r], 0, out[r], 0, numeric.size());
      if (categorical.isEmpty()) {
        continue;
      }
      checkRow(categoricalValues, r, catNames);
      int offset = numeric.size();
      for (int c = 0; c < categorical.size(); c++) {
        Integer level = index.get(c).get(categoricalValues[r][c]);
        if (level == null) {
          throw InputDataException.of(catNames.get(c), "must hold one of the levels " + categorical.get(c).levels()
              + " (row " + r + ")", categoricalValues[r][c]);
        }
        out[r][offset + level] = 1.0;
        offset += categorical.get(c).levels().size();
      }
    }
    return out;
  }

  /** Decoded rows: numeric values and categorical levels. */
  public record Decoded(double[][] numeric, String[][] categorical) {}

  /** Samples in the table's units (encoded columns) mapped back: numeric as is, categorical by argmax. */
  public Decoded decode(double[][] encoded) {
    int width = encodedColumns().size();
    double[][] num = new double[encoded.length][numeric.size()];
    String[][] cat = new String[encoded.length][categorical.size()];
    for (int r = 0; r < encoded.length; r++) {
      if (encoded[r].length != width) {
        throw new IllegalArgumentException("row " + r + " holds " + encoded[r].length + " values; expected " + width);
      }
      System.arraycopy(encoded[r], 0, num[r], 0, numeric.size());
      int offset = numeric.size();
      for (int c = 0; c < categorical.size(); c++) {
        List<String> levels = categorical.get(c).levels();
        int best = 0;
        for (int i = 1; i < levels.size(); i++) {
          if (encoded[r][offset + i] > encoded[r][offset + best]) {
            best = i;
          }
        }
        cat[r][c] = levels.get(best);
        offset += levels.size();
      }
    }
    return new Decoded(num, cat);
  }

  private static void checkRow(String[][] values, int r, List<String> columns) {
    if (values[r] == null || values[r].length != columns.size()) {
      throw new InputDataException("row " + r + " holds " + (values[r] == null ? null : values[r].length)
          + " categorical values; the categorical columns are " + columns);
    }
    for (int c = 0; c < columns.size(); c++) {
      if (values[r][c] == null) {
        throw InputDataException.of(columns.get(c), "must not be null to train a denoiser (row " + r + ")", "null");
      }
    }
  }
}
