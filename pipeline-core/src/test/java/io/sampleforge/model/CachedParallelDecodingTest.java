package io.sampleforge.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.sampleforge.diffusion.discrete.CacheMode;
import io.sampleforge.diffusion.discrete.CommitRule;
import io.sampleforge.diffusion.discrete.ConfidenceKind;
import io.sampleforge.diffusion.discrete.DiffusionSample;
import io.sampleforge.diffusion.discrete.ParallelDecodingSampler;
import io.sampleforge.diffusion.discrete.ParallelDecodingSettings;
import io.sampleforge.diffusion.discrete.SequenceKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fast-dLLM's caches in the {@link ParallelDecodingSampler}. On a one-layer model
 * (tiny_mlm_one_layer, make_tiny_mlm_one_layer.py) the caches are exact: the first layer's
 * keys/values of a position depend only on its token, and within a block the prefix (committed) and
 * the suffix (masks) do not change; so prefix and dual caches must give the uncached tokens, model
 * calls and commit counts row for row, for several rules, confidences, temperatures and block
 * sizes. A wrong window, a stale or misrouted row cache, or a refresh at the wrong step breaks the
 * equality. On the two-layer toy_mlm the dual cache is an approximation, which shows as rows that
 * differ from the uncached run (so the cache is really used), while every row is still decoded.
 */
class CachedParallelDecodingTest {
  private static final Path ONE_LAYER = Path.of("src/test/resources/model/tiny_mlm_one_layer");
  private static final Path TOY = Path.of("src/test/resources/model/toy_mlm");
  private static final int V = 45;
  private static final int MASK = 44;

  @Test
  void onAOneLayerModelTheCachesGiveTheUncachedTokens() {
    System.setProperty("ai.djl.offline", "true");
    try (CachedMaskedLm cached = CachedMaskedLm.load(ONE_LAYER.resolve("model_cached.pt"), V, MASK,
        new KvGeometry(1, 4, 8), Device.cpu());
        ExportedMaskedDenoiser plain = ExportedMaskedDenoiser.load(ModelFormat.TORCHSCRIPT,
            ONE_LAYER.resolve("model.pt"), V, MASK, Device.cpu())) {
      int rows = 24;
      int[][] start = prompts(rows, 4, 16);
      List<SequenceKey> keys = keys(rows);
      Object[][] settings = {
          {4, 0.0, ConfidenceKind.DRAWN, new CommitRule.Threshold(0.5)},
          {4, 1.0, ConfidenceKind.DRAWN, new CommitRule.Threshold(0.3)},
          {6, 1.0, ConfidenceKind.MAX_PROBABILITY, new CommitRule.Factor(1.0)},
          {12, 0.7, ConfidenceKind.MAX_PROBABILITY, new CommitRule.Profile(0.25)},
          {3, 1.0, ConfidenceKind.DRAWN, new CommitRule.Threshold(1.0)}};
      int parallelSteps = 0;
      for (Object[] s : settings) {
        List<DiffusionSample> reference = sampler(s, CacheMode.NONE).sample(plain, keys, copy(start));
        for (CacheMode mode : new CacheMode[] {CacheMode.PREFIX, CacheMode.DUAL}) {
          List<DiffusionSample> got = sampler(s, mode).sample(cached, keys, copy(start));
          for (int b = 0; b < rows; b++) {
            String what = mode + " " + java.util.Arrays.toString(s) + " row " + b;
            assertArrayEquals(reference.get(b).tokens(), got.get(b).tokens(), what);
            assertEquals(reference.get(b).modelCalls(), got.get(b).modelCalls(), what);
            assertArrayEquals(reference.get(b).commitsPerStep(), got.get(b).commitsPerStep(), what);
          }
        }
        for (DiffusionSample r : reference) {
          parallelSteps += r.commitsPerStep().length < 12 ? 1 : 0;
          assertEquals(0, r.masked(MASK));
        }
      }
      assertTrue(parallelSteps > 0, "some rows commit several tokens in a step (so windows are decoded repeatedly)");
    }
  }

  @Test
  void onTheTwoLayerModelTheDualCacheApproximates() {
    System.setProperty("ai.djl.offline", "true");
    try (CachedMaskedLm cached = CachedMaskedLm.load(TOY.resolve("model_cached.pt"), V, MASK, new KvGeometry(2, 4, 16),
        Device.cpu())) {
      int rows = 32;
      int[][] start = prompts(rows, 4, 16);
      List<SequenceKey> keys = keys(rows);
      Object[] s = {4, 1.0, ConfidenceKind.DRAWN, new CommitRule.Threshold(0.9)};
      List<DiffusionSample> exact = sampler(s, CacheMode.NONE).sample(cached, keys, copy(start));
      List<DiffusionSample> dual = sampler(s, CacheMode.DUAL).sample(cached, keys, copy(start));
      int differ = 0;
      for (int b = 0; b < rows; b++) {
        assertEquals(0, dual.get(b).masked(MASK));
        assertEquals(dual.get(b).commitsPerStep().length, dual.get(b).modelCalls());
        differ += java.util.Arrays.equals(exact.get(b).tokens(), dual.get(b).tokens()) ? 0 : 1;
      }
      assertTrue(differ > 0, "the dual cache changes some rows of a two-layer model: " + differ + " of " + rows);
      // a cache needs a model that keeps keys/values
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sampler(s, CacheMode.PREFIX)
          .sample(new io.sampleforge.diffusion.discrete.ShiftedDenoiser(cached), keys, copy(start)));
      assertTrue(e.getMessage().contains("cache prefix needs a model that keeps keys/values"), e.getMessage());
    }
  }

  private static ParallelDecodingSampler sampler(Object[] s, CacheMode mode) {
    return new ParallelDecodingSampler(new ParallelDecodingSettings(12, (Integer) s[0], (Double) s[1],
        (ConfidenceKind) s[2], (CommitRule) s[3], mode), 2026);
  }

  /** Rows of {@code length} with a {@code prompt}-token prefix (words of toy_mlm's vocabulary) and masks after it. */
  private static int[][] prompts(int rows, int prompt, int length) {
    int[][] out = new int[rows][length];
    for (int b = 0; b < rows; b++) {
      java.util.Arrays.fill(out[b], MASK);
      for (int l = 0; l < prompt; l++) {
        out[b][l] = 3 + (b * 7 + l * 13) % 40;
      }
    }
    return out;
  }

  private static List<SequenceKey> keys(int rows) {
    List<SequenceKey> keys = new ArrayList<>();
    for (int b = 0; b < rows; b++) {
      keys.add(new SequenceKey(100 + b, 0));
    }
    return keys;
  }

  private static int[][] copy(int[][] rows) {
    int[][] out = new int[rows.length][];
    for (int b = 0; b < rows.length; b++) {
      out[b] = rows[b].clone();
    }
    return out;
  }

}
