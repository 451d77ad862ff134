package io.sampleforge.jobs.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** synth-table's weights: proportions in [0, 1] that sum to 1, never renormalised. */
class SynthTableWeightsTest {

  private static SynthTableConfig bind(String weights) {
    return ConfigLoader.bind(ConfigLoader.tree(null, List.of("output=out/t", "weights=" + weights)),
        SynthTableConfig.class);
  }

  @Test
  void weightsThatSumToOneAreKeptAsGiven() {
    assertArrayEquals(new double[] {0.9, 0.07, 0.03}, bind("[0.9, 0.07, 0.03]").spec().weights());
    assertArrayEquals(new double[] {1.0, 0.0}, bind("[1.0, 0.0]").spec().weights());
  }

  @Test
  void weightsAboveOneInTotalAreRejectedWithTheSum() {
    ConfigException e = assertThrows(ConfigException.class, () -> bind("[0.5, 0.6]"));
    assertTrue(e.getMessage().contains("parameter 'weights'"), e.getMessage());
    assertTrue(e.getMessage().contains("must sum to 1"), e.getMessage());
    assertTrue(e.getMessage().contains("sum 1.1"), e.getMessage());
  }

  @Test
  void weightsBelowOneInTotalAreRejected() {
    ConfigException e = assertThrows(ConfigException.class, () -> bind("[0.5, 0.3]"));
    assertTrue(e.getMessage().contains("sum 0.8"), e.getMessage());
  }

  @Test
  void eachWeightMustBeAProportion() {
    ConfigException e = assertThrows(ConfigException.class, () -> bind("[1.5, -0.5]"));
    assertTrue(e.getMessage().contains("parameter 'weights' must each be in [0, 1]"), e.getMessage());
    assertThrows(ConfigException.class, () -> bind("[.nan, 1.0]"));
  }

  @Test
  void oneWeightIsNotATable() {
    // scikit-learn infers the last of n_classes weights; here the classes are the listed weights
    assertThrows(ConfigException.class, () -> bind("[1.0]"));
  }
}
