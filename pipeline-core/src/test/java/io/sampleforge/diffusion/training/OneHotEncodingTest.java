package io.sampleforge.diffusion.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.diffusion.continuous.DiffusersSpacing;
import io.sampleforge.diffusion.continuous.DpmSolverPlusPlus;
import io.sampleforge.diffusion.continuous.DpmSolverSettings;
import io.sampleforge.diffusion.continuous.FinalSigma;
import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.TimeGrid;
import io.sampleforge.errors.InputDataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One-hot encoding of categorical columns, argmax decoding, and the encoding's place in the model folder. */
class OneHotEncodingTest {
  @TempDir
  Path tmp;

  private static final double[][] NUMERIC = {{1.5}, {2.5}, {3.5}, {4.5}};
  private static final String[][] CATEGORICAL = {{"red", "s"}, {"blue", "m"}, {"red", "m"}, {"blue", "s"}};

  @Test
  void encodesLevelsInSortedOrderAndDecodesByArgmax() {
    OneHotEncoding e = OneHotEncoding.fit(List.of("v"), List.of("colour", "size"), CATEGORICAL);
    assertEquals(List.of("v", "colour=blue", "colour=red", "size=m", "size=s"), e.encodedColumns());
    double[][] enc = e.encode(NUMERIC, CATEGORICAL);
    assertArrayEquals(new double[] {1.5, 0, 1, 0, 1}, enc[0]);
    assertArrayEquals(new double[] {2.5, 1, 0, 1, 0}, enc[1]);
    OneHotEncoding.Decoded d = e.decode(new double[][] {{9, 0.2, 0.7, -1, 0.3}, {-2, 0.5, 0.5, 2, 1.9}});
    assertArrayEquals(new double[] {9}, d.numeric()[0]);
    assertArrayEquals(new String[] {"red", "s"}, d.categorical()[0]);
    assertArrayEquals(new String[] {"blue", "m"}, d.categorical()[1], "a tie goes to the first level");
    OneHotEncoding.Decoded back = e.decode(enc);
    for (int r = 0; r < CATEGORICAL.length; r++) {
      assertArrayEquals(CATEGORICAL[r], back.categorical()[r]);
    }
    InputDataException unknown = assertThrows(InputDataException.class,
        () -> e.encode(new double[][] {{1}}, new String[][] {{"green", "s"}}));
    assertTrue(unknown.getMessage().contains("column 'colour'") && unknown.getMessage().contains("green"),
        unknown.getMessage());
    InputDataException missing = assertThrows(InputDataException.class,
        () -> OneHotEncoding.fit(List.of("v"), List.of("colour", "size"), new String[][] {{"red", null}}));
    assertTrue(missing.getMessage().contains("column 'size'") && missing.getMessage().contains("row 0"));
  }

  @Test
  void theFolderRecordsTheEncodingAndSamplesDecodeToKnownLevels() throws IOException {
    int n = 400;
    double[][] numeric = new double[n][1];
    String[][] cat = new String[n][1];
    for (int r = 0; r < n; r++) {
      cat[r][0] = r % 3 == 0 ? "a" : "b";
      numeric[r][0] = r % 3 == 0 ? -2 + 0.001 * r : 2 - 0.001 * r;
    }
    OneHotEncoding e = OneHotEncoding.fit(List.of("v"), List.of("k"), cat);
    DenoiserTrainingSettings small = DenoiserTrainingSettings.DEFAULTS.withNetwork(2, 32, 16).withEpochs(2)
        .withBatchSize(128);
    Path folder = tmp.resolve("cat");
    DenoiserTrainer.train(e.encode(numeric, cat), e, small, 1, folder);
    try (TrainedDenoiser t = TrainedDenoiser.open(folder)) {
      assertEquals(e, t.encoding());
      assertEquals(List.of("v", "k=a", "k=b"), t.standardisation().columns());
      DpmSolverPlusPlus solver = new DpmSolverPlusPlus(TimeGrid.diffusers(t.schedule(), DiffusersSpacing.LINSPACE, 5,
          0, FinalSigma.ZERO), DpmSolverSettings.DIFFUSERS);
      double[] z = solver.sample(t, TrainedDenoiserTest.keys(20, 0), new GaussianDraws(1)).samples();
      OneHotEncoding.Decoded d = t.encoding().decode(t.standardisation().toData(z));
      for (String[] row : d.categorical()) {
        assertTrue(Set.of("a", "b").contains(row[0]), row[0]);
      }
    }
    Path manifest = folder.resolve(DenoiserFolder.MANIFEST);
    String text = Files.readString(manifest);
    Files.writeString(manifest, text.replace("\"k=b\"", "\"k=c\""));
    RuntimeException bad = assertThrows(RuntimeException.class, () -> TrainedDenoiser.open(folder));
    assertTrue(bad.getMessage().contains(DenoiserFolder.MANIFEST) && bad.getMessage().contains("name=level"),
        bad.getMessage());
  }
}
