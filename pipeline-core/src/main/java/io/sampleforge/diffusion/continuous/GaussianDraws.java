package io.sampleforge.diffusion.continuous;

import io.sampleforge.random.Hash64;
import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;

/**
 * The keyed float64 draws of the Gaussian samplers, in the style of the masked-diffusion
 * {@code DiffusionDraws}. A sample's stream is {@link KeyedStream#of}(seed, {@link
 * RandomPurpose#DIFFUSION_GAUSSIAN}, combine(record key, sample index)). Draw {@link
 * #counter}(step, coordinate, kind) packs bits 33..60 step (< 2^28), bits 2..32 coordinate (< 2^31),
 * bits 0..1 kind, so no two draws of a sample share a counter. Normals are Box-Muller on two 53-bit
 * uniforms ({@link KeyedStream#gaussian}); x_T uses step 0 of kind {@link Kind#INITIAL}, so a run with
 * more steps starts from the same x_T. Cost: O(1) per draw, no state.
 */
public final class GaussianDraws {
  static final int MAX_STEPS = 1 << 28;

  /** What a draw is for. */
  enum Kind {
    /** The initial noise x_T. */
    INITIAL,
    /** The fresh noise z of a stochastic step. */
    STEP_NOISE,
    /** An exact draw from the prior (test and quality reference): its normals. */
    EXACT,
    /** An exact draw from the prior: the component uniform (coordinate 0). */
    COMPONENT
  }

  private final long seed;

  public GaussianDraws(long seed) {
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  KeyedStream stream(SampleKey key) {
    return KeyedStream.of(seed, RandomPurpose.DIFFUSION_GAUSSIAN, Hash64.combine(key.recordKey(), key.sampleIndex()));
  }

  static long counter(int step, int coordinate, Kind kind) {
    if (step < 0 || step >= MAX_STEPS) {
      throw new IllegalArgumentException("step " + step + " is outside [0, 2^28)");
    }
    if (coordinate < 0) {
      throw new IllegalArgumentException("coordinate " + coordinate + " is negative");
    }
    return ((long) step << 33) | ((long) coordinate << 2) | kind.ordinal();
  }

  /** Writes the standard normals of (step, kind) for each key's D coordinates into out (rows x D). */
  void normals(SampleKey[] keys, int dimension, int step, Kind kind, double[] out) {
    for (int r = 0; r < keys.length; r++) {
      KeyedStream s = stream(keys[r]);
      for (int i = 0; i < dimension; i++) {
        out[r * dimension + i] = s.gaussian(counter(step, i, kind));
      }
    }
  }

  /**
   * The step noise z of {@code step} for each key (rows x D): the keyed normals the stochastic solvers
   * and FKC draw, (step, coordinate, STEP_NOISE), for samplers outside this package (posterior SMC).
   */
  public double[] stepNormals(SampleKey[] keys, int dimension, int step) {
    double[] out = new double[keys.length * dimension];
    normals(keys, dimension, step, Kind.STEP_NOISE, out);
    return out;
  }

  /** The initial noise x_T ~ N(0, I) of each key (rows x D). */
  public double[] initialNoise(SampleKey[] keys, int dimension) {
    double[] out = new double[keys.length * dimension];
    normals(keys, dimension, 0, Kind.INITIAL, out);
    return out;
  }

  /** One exact draw from the prior per key (rows x D): the reference sample of quality checks. */
  public double[] exactSamples(GaussianMixture prior, SampleKey[] keys) {
    int d = prior.dimension();
    double[] out = new double[keys.length * d];
    double[] z = new double[d];
    for (int r = 0; r < keys.length; r++) {
      KeyedStream s = stream(keys[r]);
      for (int i = 0; i < d; i++) {
        z[i] = s.gaussian(counter(0, i, Kind.EXACT));
      }
      // raw draw 2c: KeyedStream#gaussian(c') uses raw draws 2c' and 2c' + 1, and no normal uses c
      prior.sample(s.uniform(2 * counter(0, 0, Kind.COMPONENT)), z, out, r * d);
    }
    return out;
  }
}
