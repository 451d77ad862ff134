package io.sampleforge.diffusion.posterior;

import io.sampleforge.diffusion.continuous.Denoiser;
import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.NoiseLevel;
import io.sampleforge.diffusion.continuous.NonFiniteOutputException;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.diffusion.continuous.TimeGrid;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.random.Hash64;
import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;
import java.util.Arrays;

/**
 * The replacement (inpainting) posterior sampler for exact masks, after RePaint (Lugmayr, Danelljan,
 * Romero, Yu, Timofte and Van Gool, "RePaint: Inpainting using Denoising Diffusion Probabilistic
 * Models", CVPR 2022, algorithm 1, with its resampling schedule {@code jump_length} j and {@code
 * jump_n_sample} r). It needs no gradient: any {@link Denoiser} is the prior.
 *
 * <p><b>Step.</b> Levels 0 .. N of the {@link TimeGrid} (noisiest first; the grid must end clean). Step
 * i goes from level s = i to t = i + 1: the missing cells take the DDPM ancestral step x_t = (sigma_t /
 * sigma_s) e^{-h} x + alpha_t (1 - e^{-2h}) x0_hat(x) + sigma_t sqrt(1 - e^{-2h}) z, h = lambda_t -
 * lambda_s (the order-1 step of {@link DpsSampler} and {@link TwistedDiffusionSampler}; x0_hat at the
 * clean end), and the observed cells are replaced by y re-noised to level t, alpha_t y + sigma_t eps
 * (exactly y at the clean end). x_T is {@link GaussianDraws#initialNoise} with its observed cells
 * replaced at level 0 as well (RePaint leaves them pure noise until the first step; replacing them
 * first lets the first model call see y).
 *
 * <p><b>Resampling jumps (the schedule, exactly).</b> With r = {@code jumps} > 1, the jump points are
 * the levels p = N - 1 - q j (q = 0, 1, ...) with p >= j: RePaint's {@code get_schedule_jump}, whose
 * jump times t = 0, j, 2j, ... < T - j are the model times of levels N - 1 - t. When the walk reaches
 * a jump point p by a first-pass step, it repeats r - 1 times: noise x from level p back to level p - j
 * with the exact VP forward kernel, x_{p-j} = (alpha_{p-j} / alpha_p) x_p + sqrt(sigma_{p-j}^2 -
 * (alpha_{p-j} / alpha_p)^2 sigma_p^2) eps (every cell; one draw, the law of RePaint's j one-step
 * noisings), then take the j steps p - j .. p - 1 again (with replacement). A step is re-run at most
 * by the one jump point above it, so the walk never nests. Model calls per row (NFE): N + (r - 1) j
 * floor((N - 1) / j) ({@link #modelCalls}); r = 1 is plain replacement.
 *
 * <p><b>Draws.</b> All keyed, so a sample does not depend on its batch: x_T by (row id, sample index);
 * every other normal by (row id, sample index, repetition u) under {@link
 * RandomPurpose#POSTERIOR_REPLACEMENT} with counter (index, coordinate, kind): the ancestral normal of
 * step i at (i, STEP), the re-noising of level l's observed cells at (l, OBSERVED), the jump from
 * point p at (p, JUMP). u = 0 on the first pass, 1 .. r - 1 on the re-runs after the jumps.
 *
 * <p><b>Scope and bias.</b> Only {@link MaskOperator} measurements with sigma_y = 0 (a noisy mask
 * would need the re-noised observation to carry the measurement noise, which RePaint does not model:
 * refused naming {@code measurement.sigma_y}). Exact (up to the DDPM discretisation) when the missing
 * cells are independent of the observed ones under the prior; otherwise biased, since the observed
 * cells are never informed by the model's belief about x_0 (the harmonisation problem RePaint's
 * jumps reduce, not remove). Cost: {@link #modelCalls} model calls on G S rows, O(D) per row and step
 * besides; memory O(G S D).
 */
public record ReplacementSampler(TimeGrid grid, int jumpLength, int jumps) {
  static final int MAX_INDEX = 1 << 28;

  /** What a replacement draw is for (the low two bits of its counter). */
  enum Kind {
    /** The ancestral normal z of a missing cell. */
    STEP,
    /** The re-noising normal eps of an observed cell. */
    OBSERVED,
    /** The forward normal of a resampling jump. */
    JUMP
  }

  public ReplacementSampler {
    if (grid == null) {
      throw ConfigException.of("timesteps", "is required", null);
    }
    if (!grid.endsClean()) {
      throw ConfigException.of("timesteps.final_sigma", "must be zero for the replacement sampler (its output "
          + "holds y exactly in the observed cells)", grid.level(grid.steps()));
    }
    if (grid.steps() >= MAX_INDEX) {
      throw ConfigException.of("steps", "must be < 2^28 for the replacement sampler's keyed draws", grid.steps());
    }
    if (jumps < 1) {
      throw ConfigException.of("sampler.jumps", "must be >= 1 (RePaint's jump_n_sample r; 1 = no jumps)", jumps);
    }
    if (jumpLength < 1) {
      throw ConfigException.of("sampler.jump_length", "must be >= 1", jumpLength);
    }
    if (jumps > 1 && jumpLength > grid.steps() - 1) {
      throw ConfigException.of("sampler.jump_length", "must be <= steps - 1 = " + (grid.steps() - 1)
          + " when sampler.jumps > 1 (no level is a jump point otherwise)", jumpLength);
    }
  }

  /** Model calls per row: N + (r - 1) j floor((N - 1) / j) (N without jumps). */
  public long modelCalls() {
    int n = grid.steps();
    return jumps == 1 ? n : n + (long) (jumps - 1) * jumpLength * ((n - 1) / jumpLength);
  }

  /** Whether level p is a jump point (reached by a first-pass step, it is re-run r - 1 times). */
  boolean isJumpPoint(int p) {
    int n = grid.steps();
    return jumps > 1 && p >= jumpLength && p <= n - 1 && (n - 1 - p) % jumpLength == 0;
  }

  static long counter(int index, int coordinate, Kind kind) {
    return ((long) index << 33) | ((long) coordinate << 2) | kind.ordinal();
  }

  /**
   * S samples per measured row (masks with sigma_y = 0), rows g S .. g S + S - 1 of the result (flat,
   * D per row); the observed cells hold y exactly.
   */
  public double[] sample(Denoiser model, Measurement[] rows, int samplesPerRow, GaussianDraws draws) {
    if (samplesPerRow < 1) {
      throw ConfigException.of("samples", "must be >= 1", samplesPerRow);
    }
    int d = model.dimension();
    int total = rows.length * samplesPerRow;
    SampleKey[] keys = new SampleKey[total];
    boolean[][] observed = new boolean[rows.length][];
    double[][] full = new double[rows.length][];
    for (int g = 0; g < rows.length; g++) {
      Measurement m = rows[g];
      if (m.dimension() != d) {
        throw ConfigException.of("measurement", "operator input dimension must equal the prior's dimension " + d,
            m.dimension());
      }
      if (!(m.operator() instanceof MaskOperator mask)) {
        throw ConfigException.of("measurement.operator", "must be a mask for the replacement sampler (it copies "
            + "observed cells)", m.operator());
      }
      if (mask.noiseSigma() != 0) {
        throw ConfigException.of("measurement.sigma_y", "must be 0 for the replacement sampler (RePaint copies the "
            + "observed cells exactly; use tds or dps for noisy masks)", mask.noiseSigma());
      }
      observed[g] = new boolean[d];
      full[g] = new double[d];
      mask.adjoint(m.y(), 0, full[g], 0);
      for (int j = 0; j < d; j++) {
        observed[g][j] = mask.observes(j);
      }
      for (int s = 0; s < samplesPerRow; s++) {
        keys[g * samplesPerRow + s] = new SampleKey(m.id(), s);
      }
    }
    Walk walk = new Walk(model, keys, observed, full, samplesPerRow, draws.seed());
    double[] x = draws.initialNoise(keys, d);
    walk.replace(x, 0, 0);
    int n = grid.steps();
    for (int i = 0; i < n; i++) {
      walk.step(x, i, 0);
      int p = i + 1;
      if (isJumpPoint(p)) {
        for (int u = 1; u < jumps; u++) {
          walk.jump(x, p, u);
          for (int k = p - jumpLength; k < p; k++) {
            walk.step(x, k, u);
          }
        }
      }
    }
    return x;
  }

  /** The state of one sampling run: the rows' masks, observations and draw streams. */
  private final class Walk {
    private final Denoiser model;
    private final SampleKey[] keys;
    private final boolean[][] observed;
    private final double[][] full;
    private final int samplesPerRow;
    private final long seed;
    private final int d;
    private final NoiseLevel[] levels;
    private final double[] prediction;
    private final double[] data;
    private int calls;

    Walk(Denoiser model, SampleKey[] keys, boolean[][] observed, double[][] full, int samplesPerRow, long seed) {
      this.model = model;
      this.keys = keys;
      this.observed = observed;
      this.full = full;
      this.samplesPerRow = samplesPerRow;
      this.seed = seed;
      this.d = model.dimension();
      this.levels = new NoiseLevel[keys.length];
      this.prediction = new double[keys.length * d];
      this.data = new double[keys.length * d];
    }

    private KeyedStream stream(int r, int repetition) {
      return KeyedStream.of(seed, RandomPurpose.POSTERIOR_REPLACEMENT,
          Hash64.combine(Hash64.combine(keys[r].recordKey(), keys[r].sampleIndex()), repetition));
    }

    /** Observed cells of every row = alpha_l y + sigma_l eps at level l (y itself when sigma_l = 0). */
    void replace(double[] x, int level, int repetition) {
      NoiseLevel t = grid.level(level);
      for (int r = 0; r < keys.length; r++) {
        int g = r / samplesPerRow;
        KeyedStream s = t.sigma() > 0 ? stream(r, repetition) : null;
        for (int j = 0; j < d; j++) {
          if (observed[g][j]) {
            x[r * d + j] = s == null ? full[g][j]
                : t.alpha() * full[g][j] + t.sigma() * s.gaussian(counter(level, j, Kind.OBSERVED));
          }
        }
      }
    }

    /** Step i (level i to i + 1) of every row: ancestral on the missing cells, then replacement. */
    void step(double[] x, int i, int repetition) {
      NoiseLevel s = grid.level(i);
      NoiseLevel t = grid.level(i + 1);
      Arrays.fill(levels, s);
      model.predict(x, levels, prediction);
      calls++;
      PredictionType type = model.predictionType();
      for (int j = 0; j < x.length; j++) {
        if (!Double.isFinite(prediction[j])) {
          throw new NonFiniteOutputException(j / d, j % d, calls - 1, s, prediction[j]);
        }
        data[j] = type.toData(prediction[j], x[j], s.alpha(), s.sigma());
      }
      if (t.sigma() == 0) {
        System.arraycopy(data, 0, x, 0, x.length);
      } else {
        double h = t.lambda() - s.lambda();
        double oneMinusE2 = -Math.expm1(-2 * h);
        double cx = (t.sigma() / s.sigma()) * Math.exp(-h);
        double cd = t.alpha() * oneMinusE2;
        double tau = t.sigma() * Math.sqrt(oneMinusE2);
        for (int r = 0; r < keys.length; r++) {
          int g = r / samplesPerRow;
          KeyedStream z = stream(r, repetition);
          for (int j = 0; j < d; j++) {
            if (!observed[g][j]) {
              int c = r * d + j;
              x[c] = cx * x[c] + cd * data[c] + tau * z.gaussian(counter(i, j, Kind.STEP));
            }
          }
        }
      }
      replace(x, i + 1, repetition);
    }

    /** The exact VP forward kernel from jump point p back to level p - j, every cell. */
    void jump(double[] x, int p, int repetition) {
      NoiseLevel from = grid.level(p);
      NoiseLevel to = grid.level(p - jumpLength);
      double a = to.alpha() / from.alpha();
      double sd = Math.sqrt(Math.max(0.0, to.sigma() * to.sigma() - a * a * from.sigma() * from.sigma()));
      for (int r = 0; r < keys.length; r++) {
        KeyedStream s = stream(r, repetition);
        for (int j = 0; j < d; j++) {
          int c = r * d + j;
          x[c] = a * x[c] + sd * s.gaussian(counter(p, j, Kind.JUMP));
        }
      }
    }
  }
}
