package io.sampleforge.jobs.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sampleforge.diffusion.posterior.Corruption;
import io.sampleforge.diffusion.posterior.SparseMatrix;
import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code operator.matrix_file}: scipy's {@code mmwrite} Matrix Market file and numpy's dense text of the
 * same 3 x 6 map (made by src/test/resources/matrices/make_matrices.py) read to the same operator, whose
 * product with a fixed row equals numpy's (the committed sums-product.txt); corrupt measures with it;
 * a file whose width is not the prior's D, a bad header, a wrong entry count, an entry outside the
 * matrix and a missing file exit 2 naming {@code operator.matrix_file}.
 */
class MatrixFileTest {
  private static final Path DIR = Path.of("src", "test", "resources", "matrices");

  @TempDir
  Path tmp;

  @Test
  void scipysSparseAndDenseFilesGiveNumpysProduct() throws IOException {
    SparseMatrix sparse = MatrixFile.read(DIR.resolve("sums.mtx").toString());
    SparseMatrix dense = MatrixFile.read(DIR.resolve("sums.csv").toString());
    assertEquals(sparse, dense, "the two files hold one map");
    double[] x = {41.0, 1102.0, 1.0, 5993.0, 8.0, 6.0};
    double[] y = new double[3];
    sparse.operator(0.0).apply(x, 0, y, 0);
    double[] numpy = Arrays.stream(Files.readString(DIR.resolve("sums-product.txt")).strip().split(" "))
        .mapToDouble(Double::parseDouble).toArray();
    assertArrayEquals(numpy, y, 1e-12);
    assertEquals(5, sparse.describe().get("entries"));
  }

  private ObjectNode config(String job) {
    return ConfigLoader.tree(Path.of("..", "conf", "jobs", job + ".yaml"), List.of());
  }

  private ConfigException refusal(String job, String... keyValues) {
    ObjectNode c = config(job);
    for (int i = 0; i < keyValues.length; i += 2) {
      ConfigLoader.set(c, keyValues[i], keyValues[i + 1]);
    }
    Class<?> type = job.equals("corrupt") ? CorruptConfig.class : PosteriorConfig.class;
    return assertThrows(ConfigException.class, () -> ConfigLoader.bind(c, type));
  }

  @Test
  void corruptMeasuresWithTheFileAndBadFilesAreNamed() throws IOException {
    ObjectNode c = config("corrupt");
    ConfigLoader.set(c, "operator.type", "linear");
    ConfigLoader.set(c, "operator.mask_rate", "null");
    ConfigLoader.set(c, "operator.matrix_file", DIR.resolve("sums.mtx").toString());
    Corruption corruption = ConfigLoader.bind(c, CorruptConfig.class).corruption();
    Corruption.Measured m = corruption.measure(new double[] {41.0, 1102.0, 1.0, 5993.0, 8.0, 6.0}, 7, 42);
    assertArrayEquals(new double[] {46.993, -2.5, 7.0}, m.y(), 1e-12);
    assertEquals(3, corruption.outputDimension(6));

    String[] linear = {"operator.type", "linear", "operator.mask_rate", "null"};
    Path narrow = tmp.resolve("narrow.csv");
    Files.writeString(narrow, "1,0,0\n0,1,0\n");
    Path header = tmp.resolve("bad.mtx");
    Files.writeString(header, "%%MatrixMarket matrix array real general\n3 6\n");
    Path count = tmp.resolve("count.mtx");
    Files.writeString(count, "%%MatrixMarket matrix coordinate real general\n2 6 3\n1 1 1.0\n2 2 1.0\n");
    Path outside = tmp.resolve("outside.mtx");
    Files.writeString(outside, "%%MatrixMarket matrix coordinate real general\n2 6 1\n3 1 1.0\n");
    String[][] cases = {
        {"corrupt", narrow.toString(), "one column per value column (6)"},
        {"posterior", narrow.toString(), "one column per value column (6)"},
        {"corrupt", header.toString(), "%%MatrixMarket matrix coordinate real general"},
        {"corrupt", count.toString(), "exactly 3 entries"},
        {"corrupt", outside.toString(), "(2, 0)"},
        {"corrupt", tmp.resolve("missing.mtx").toString(), "readable local file"}};
    for (String[] k : cases) {
      String[] kv = Arrays.copyOf(k[0].equals("corrupt") ? linear : new String[] {"operator.type", "linear"},
          k[0].equals("corrupt") ? 6 : 4);
      kv[kv.length - 2] = "operator.matrix_file";
      kv[kv.length - 1] = k[1];
      ConfigException e = refusal(k[0], kv);
      assertTrue(e.getMessage().contains("'operator.matrix_file'") && e.getMessage().contains(k[2]), e.getMessage());
    }
    ConfigException both = refusal("corrupt", "operator.type", "linear", "operator.mask_rate", "null", "operator.matrix",
        "[[1, 0, 0, 0, 0, 0]]", "operator.matrix_file", DIR.resolve("sums.mtx").toString());
    assertTrue(both.getMessage().contains("operator.matrix_file"), both.getMessage());
    ConfigException notLinear = refusal("corrupt", "operator.matrix_file", DIR.resolve("sums.mtx").toString());
    assertTrue(notLinear.getMessage().contains("applies to operator.type linear only"), notLinear.getMessage());
  }
}
