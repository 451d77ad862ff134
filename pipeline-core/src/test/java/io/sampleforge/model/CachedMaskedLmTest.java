package io.sampleforge.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.diffusion.discrete.DenoiserOutput;
import io.sampleforge.diffusion.discrete.KvCachedDenoiser;
import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The cached masked contract on toy_mlm's model_cached.pt (make_masked_cached.py: model.pt's weights
 * in the cached module): a refresh equals the uncached model.pt and PyTorch's logits; a window over
 * tokens unchanged since the refresh equals the full forward (prefix and dual windows, whole and
 * regrouped batches); a window over changed tokens equals PyTorch's cached logits (so DJL runs the
 * contract as written) and drifts from the exact logits by the amount PyTorch measured, which is
 * well above rounding: the approximation of Fast-dLLM's caches, reported in docs/diffusion.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CachedMaskedLmTest {
  private static final Path DIR = Path.of("src/test/resources/model/toy_mlm");
  private static final int V = 45;
  private static final int MASK = 44;
  private static final KvGeometry GEOMETRY = new KvGeometry(2, 4, 16);
  private CachedMaskedLm cached;
  private ExportedMaskedDenoiser uncached;
  private JsonNode reference;

  @BeforeAll
  void start() throws IOException {
    System.setProperty("ai.djl.offline", "true");
    cached = CachedMaskedLm.load(DIR.resolve("model_cached.pt"), V, MASK, GEOMETRY, Device.cpu());
    uncached = ExportedMaskedDenoiser.load(ModelFormat.TORCHSCRIPT, DIR.resolve("model.pt"), V, MASK, Device.cpu());
    reference = new ObjectMapper().readTree(DIR.resolve("cached_reference.json").toFile());
    assertEquals("masked-kv-v1", reference.get("contract").asText());
  }

  @AfterAll
  void stop() {
    cached.close();
    uncached.close();
  }

  @Test
  void refreshEqualsTheUncachedModelAndPyTorch() {
    int checked = 0;
    for (JsonNode c : reference.get("cases")) {
      if (!c.has("refresh_logits")) {
        continue;
      }
      int[][] ids = ints(c.get("input_ids"));
      KvCachedDenoiser.Refreshed r = cached.refresh(ids);
      try (DenoiserOutput full = r.output(); DenoiserOutput plain = uncached.denoise(ids, new double[ids.length])) {
        for (int b = 0; b < ids.length; b++) {
          for (int l = 0; l < ids[b].length; l++) {
            assertClose(probabilities(full, b, l), probabilities(plain, b, l), 1e-5, "refresh vs model.pt");
            assertClose(probabilities(full, b, l), softmax(c.get("refresh_logits").get(b).get(l)), 1e-5,
                "refresh vs PyTorch");
            checked++;
          }
        }
      } finally {
        r.rows().forEach(KvCachedDenoiser.RowCache::close);
      }
    }
    assertTrue(checked >= 32, "positions checked: " + checked);
  }

  @Test
  void windowsOverUnchangedTokensEqualTheFullForward() {
    for (JsonNode c : reference.get("cases")) {
      int[][] ids = ints(c.get("input_ids"));
      int length = ids[0].length;
      int start = c.get("start").asInt();
      int block = c.get("block").asInt();
      KvCachedDenoiser.Refreshed r = cached.refresh(ids);
      try (DenoiserOutput full = r.output()) {
        for (int[] window : new int[][] {{start, length}, {start, start + block}}) {
          try (DenoiserOutput w = cached.window(ids, window[0], window[1], r.rows())) {
            for (int b = 0; b < ids.length; b++) {
              for (int l = window[0]; l < window[1]; l++) {
                assertClose(probabilities(w, b, l), probabilities(full, b, l), 1e-5, "window " + window[0] + ".."
                    + window[1]);
              }
            }
          }
        }
        // the rows in reverse order: slices of the kept tensor, concatenated
        int[][] reversed = new int[ids.length][];
        List<KvCachedDenoiser.RowCache> caches = new ArrayList<>();
        for (int b = 0; b < ids.length; b++) {
          reversed[b] = ids[ids.length - 1 - b];
          caches.add(r.rows().get(ids.length - 1 - b));
        }
        try (DenoiserOutput w = cached.window(reversed, start, start + block, caches)) {
          for (int b = 0; b < ids.length; b++) {
            for (int l = start; l < start + block; l++) {
              assertClose(probabilities(w, b, l), probabilities(full, ids.length - 1 - b, l), 1e-5, "regrouped");
            }
          }
          assertThrows(IllegalArgumentException.class, () -> probabilities(w, 0, start + block < length
              ? start + block : start - 1), "a position outside the window is refused");
        }
      } finally {
        r.rows().forEach(KvCachedDenoiser.RowCache::close);
      }
    }
  }

  @Test
  void windowsOverChangedTokensMatchPyTorchAndDriftFromTheExactLogits() {
    int cases = 0;
    double largest = 0;
    for (JsonNode c : reference.get("cases")) {
      if (!c.has("exact_logits")) {
        continue;
      }
      int[][] ids = ints(c.get("input_ids"));
      int[][] changed = ints(c.get("changed_input_ids"));
      KvCachedDenoiser.Refreshed r = cached.refresh(ids);
      r.output().close();
      try (DenoiserOutput exact = uncached.denoise(changed, new double[changed.length])) {
        for (String mode : new String[] {"prefix", "dual"}) {
          JsonNode m = c.get(mode);
          int from = m.get("window").get(0).asInt();
          int to = m.get("window").get(1).asInt();
          double tv = 0;
          int n = 0;
          try (DenoiserOutput w = cached.window(changed, from, to, r.rows())) {
            for (int b = 0; b < changed.length; b++) {
              for (int l = from; l < to; l++) {
                double[] p = probabilities(w, b, l);
                assertClose(p, softmax(m.get("logits").get(b).get(l - from)), 1e-5, mode + " vs PyTorch");
                tv += totalVariation(p, probabilities(exact, b, l));
                n++;
              }
            }
          }
          double expected = m.get("drift_window").get("mean_tv").asDouble();
          assertEquals(expected, tv / n, 1e-4, mode + " drift");
          if (from == 0 && to == changed[0].length) {
            assertEquals(0, tv / n, 1e-6, "a window over the whole row caches nothing: exact");
          }
          largest = Math.max(largest, tv / n);
        }
      } finally {
        r.rows().forEach(KvCachedDenoiser.RowCache::close);
      }
      cases++;
    }
    assertTrue(cases >= 1);
    // the approximation is real: when the window's tokens change, cached keys/values of the second layer are stale
    assertTrue(largest > 1e-2, "largest mean total variation from the exact conditionals: " + largest);
  }

  @Test
  void aWrongGeometryOrAnUncachedFileIsRefusedNamingTheKey() {
    ConfigException geometry = assertThrows(ConfigException.class, () -> CachedMaskedLm.load(
        DIR.resolve("model_cached.pt"), V, MASK, new KvGeometry(2, 4, 8), Device.cpu()));
    assertTrue(geometry.getMessage().contains("model.layers/heads/head_dim")
        || geometry.getMessage().contains("model.path"), geometry.getMessage());
    ConfigException plain = assertThrows(ConfigException.class, () -> CachedMaskedLm.load(DIR.resolve("model.pt"), V,
        MASK, GEOMETRY, Device.cpu()));
    assertTrue(plain.getMessage().contains("parameter 'model.path' must follow the cached masked contract"),
        plain.getMessage());
    ConfigException zero = assertThrows(ConfigException.class, () -> new KvGeometry(0, 4, 16));
    assertTrue(zero.getMessage().contains("model.layers"), zero.getMessage());
  }

  private static double[] probabilities(DenoiserOutput out, int b, int l) {
    double[] p = new double[V];
    out.probabilities(b, l, p);
    return p;
  }

  /** The SUBS distribution of reference logits: the mask column dropped, soft-maxed in double. */
  private static double[] softmax(JsonNode logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < V; v++) {
      if (v != MASK) {
        max = Math.max(max, logits.get(v).asDouble());
      }
    }
    double[] p = new double[V];
    double sum = 0;
    for (int v = 0; v < V; v++) {
      if (v != MASK) {
        p[v] = Math.exp(logits.get(v).asDouble() - max);
        sum += p[v];
      }
    }
    for (int v = 0; v < V; v++) {
      p[v] /= sum;
    }
    return p;
  }

  private static double totalVariation(double[] p, double[] q) {
    double s = 0;
    for (int v = 0; v < p.length; v++) {
      s += Math.abs(p[v] - q[v]);
    }
    return s / 2;
  }

  private static void assertClose(double[] actual, double[] expected, double tolerance, String what) {
    for (int v = 0; v < actual.length; v++) {
      if (Math.abs(actual[v] - expected[v]) > tolerance) {
        throw new AssertionError(what + ": column " + v + " " + actual[v] + " vs " + expected[v]);
      }
    }
  }

  private static int[][] ints(JsonNode rows) {
    int[][] out = new int[rows.size()][];
    for (int b = 0; b < out.length; b++) {
      out[b] = new int[rows.get(b).size()];
      for (int l = 0; l < out[b].length; l++) {
        out[b][l] = rows.get(b).get(l).asInt();
      }
    }
    return out;
  }
}
