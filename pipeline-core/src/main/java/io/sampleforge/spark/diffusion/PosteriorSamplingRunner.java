package io.sampleforge.spark.diffusion;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.diffusion.continuous.FkcResult;
import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.GaussianMixtureDenoiser;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.diffusion.continuous.TimeGrid;
import io.sampleforge.diffusion.posterior.Corruption;
import io.sampleforge.diffusion.posterior.CorruptionKind;
import io.sampleforge.diffusion.posterior.DenseLinearOperator;
import io.sampleforge.diffusion.posterior.DifferentiableDenoiser;
import io.sampleforge.diffusion.posterior.DpsSampler;
import io.sampleforge.diffusion.posterior.ExactPosterior;
import io.sampleforge.diffusion.posterior.GaussianMixtureJacobian;
import io.sampleforge.diffusion.posterior.LowRankPosterior;
import io.sampleforge.diffusion.posterior.MaskOperator;
import io.sampleforge.diffusion.posterior.Measurement;
import io.sampleforge.diffusion.posterior.MeasurementOperator;
import io.sampleforge.diffusion.posterior.PosteriorSummary;
import io.sampleforge.diffusion.posterior.ReplacementSampler;
import io.sampleforge.diffusion.posterior.TwistedDiffusionSampler;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.random.Hash64;
import io.sampleforge.random.KeyedStream;
import io.sampleforge.random.RandomPurpose;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

/**
 * The executor side of {@link PosteriorSampling}: reads each measured row (id, key, m values, observed
 * flags), checks it (exit 3 naming the row id), rebuilds its operator in table units, maps it to the
 * model's space, and samples: {@code exact} row by row from {@link ExactPosterior} (S keyed exact draws,
 * keys (xxhash64(id), s)), or, when every prior component is diagonal, from {@link LowRankPosterior}
 * (Matheron draws keyed by (seed, posterior/exact-draw, combine(xxhash64(id), s)): no D x D matrix); {@code tds} in batches of max(1, batch_size / K) rows with {@link
 * TwistedDiffusionSampler} (K particles per row, no final resample), then S draws from each row's final
 * weighted particles by inverse CDF at the keyed uniform of (seed, {@link RandomPurpose#POSTERIOR_DRAW},
 * combine(key, s)); tds and {@code dps} ({@link DpsSampler}) take the GMM denoiser's closed-form Jacobian, or a
 * network prior's by DJL autograd ({@link GaussianModelSpec.DenoiserHandle#differentiable()}, opened once per
 * partition; the autograd forward is serialised per JVM, see {@code AutogradDenoiser}), and {@code
 * replace} ({@link ReplacementSampler}, the exact {@link GaussianMixtureDenoiser}; its model-space operator is
 * the row's mask with y mapped through the standardisation, and the observed cells of its output are y in
 * table units exactly) give S samples per row directly, keys (xxhash64(id), s), in batches of max(1,
 * batch_size / S) rows. A row with no observed cell under {@code unobserved_rows: prior} gets S exact prior draws
 * (keys (xxhash64(id), s); residual 0, nfe 0, ess_min null). Each row's particles, weights and draws depend only on the row, so the output is the
 * same for any partitioning. Cost: see {@link PosteriorSampling}.
 */
final class PosteriorSamplingRunner implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private final GaussianModelSpec prior;
  private final Corruption operator;
  private final PosteriorSettings settings;
  private final int m;
  private final LongAccumulator modelCalls;

  private final LongAccumulator unobservedRows;
  private final PosteriorRows rows;

  private final boolean rowSigma;

  PosteriorSamplingRunner(GaussianModelSpec prior, Corruption operator, PosteriorSettings settings, int m,
      LongAccumulator modelCalls, LongAccumulator unobservedRows) {
    this(prior, operator, settings, m, modelCalls, unobservedRows, PosteriorRows.SAMPLES, false);
  }

  PosteriorSamplingRunner(GaussianModelSpec prior, Corruption operator, PosteriorSettings settings, int m,
      LongAccumulator modelCalls, LongAccumulator unobservedRows, PosteriorRows rows, boolean rowSigma) {
    this.rows = rows;
    this.rowSigma = rowSigma;
    this.unobservedRows = unobservedRows;
    this.prior = prior;
    this.operator = operator;
    this.settings = settings;
    this.m = m;
    this.modelCalls = modelCalls;
  }

  /**
   * One checked measured row: table-unit operator and y, and its model-space measurement (all three null
   * for a row with no observed cell under {@code unobserved_rows: prior}).
   */
  private record Parsed(Object id, long key, MeasurementOperator dataOp, double[] y, Measurement model) {}

  @Override
  public Iterator<Row> call(Iterator<Row> input) throws Exception {
    String samplerJson = new ObjectMapper().writeValueAsString(settings.describe());
    GaussianMixture mixture = prior.exactPrior().orElse(null); // null: a network prior (not sampler exact)
    Standardisation std = prior.standardisation();
    int d = prior.dimension();
    int batchRows = settings.rowsPerBatch();
    int callsPerRow = settings.modelCallsPerRow();
    return new Iterator<>() {
      private final List<Row> pending = new ArrayList<>();
      private final double[] rowSamples = rows == PosteriorRows.SUMMARY ? new double[settings.samples() * d] : null;
      private int next;
      private GaussianModelSpec.DenoiserHandle handle;

      @Override
      public boolean hasNext() {
        while (next >= pending.size()) {
          pending.clear();
          next = 0;
          if (!input.hasNext()) {
            close();
            return false;
          }
          try {
            fill();
          } catch (RuntimeException e) {
            close();
            throw e;
          }
        }
        return true;
      }

      private void close() {
        if (handle != null) {
          handle.close();
          handle = null;
        }
      }

      /**
       * The gradient-guided samplers' prior: the exact mixture's closed-form Jacobian, or the network (exported
       * TorchScript or trained MLP) differentiated by DJL autograd, opened once per partition.
       */
      private DifferentiableDenoiser differentiable() {
        if (mixture != null) {
          return new GaussianMixtureJacobian(mixture);
        }
        if (handle == null) {
          handle = prior.open();
        }
        return handle.differentiable();
      }

      /** The replacement sampler's prior: the exact mixture's denoiser, or the network opened once. */
      private io.sampleforge.diffusion.continuous.Denoiser denoiser() {
        if (mixture != null) {
          return new GaussianMixtureDenoiser(mixture, PredictionType.SAMPLE);
        }
        if (handle == null) {
          handle = prior.open();
        }
        return handle.denoiser();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return pending.get(next++);
      }

      private void fill() {
        List<Parsed> batch = new ArrayList<>(batchRows);
        GaussianDraws draws = new GaussianDraws(settings.seed());
        while (input.hasNext() && batch.size() < batchRows) {
          Parsed p = parse(input.next(), d, std);
          if (p.model() != null) {
            batch.add(p);
            continue;
          }
          if (unobservedRows != null) {
            unobservedRows.add(1);
          }
          double[] x = draws.exactSamples(mixture, keys(p.key()));
          for (int s = 0; s < settings.samples(); s++) {
            emit(p, s, x, s * d, d, std, null);
          }
        }
        if (batch.isEmpty()) {
          return;
        }
        if (settings.sampler() == PosteriorSettings.Kind.EXACT) {
          boolean diagonal = java.util.stream.IntStream.range(0, mixture.components()).allMatch(mixture::isDiagonal);
          for (Parsed p : batch) {
            // a diagonal prior keeps the posterior in low-rank form (no D x D matrix: images, D in the thousands)
            double[] x = diagonal ? LowRankPosterior.of(mixture, p.model()).sample(settings.seed(), keys(p.key()))
                : draws.exactSamples(ExactPosterior.of(mixture, p.model()), keys(p.key()));
            for (int s = 0; s < settings.samples(); s++) {
              emit(p, s, x, s * d, d, std, null);
            }
          }
          return;
        }
        Measurement[] rows = new Measurement[batch.size()];
        for (int g = 0; g < rows.length; g++) {
          rows[g] = batch.get(g).model();
        }
        if (settings.sampler() == PosteriorSettings.Kind.DPS || settings.sampler() == PosteriorSettings.Kind.REPLACE) {
          int samples = settings.samples();
          double[] x;
          if (settings.sampler() == PosteriorSettings.Kind.DPS) {
            x = new DpsSampler(settings.grid(), settings.stepScale()).sample(differentiable(), rows,
                samples, draws);
            checkDiverged(x, batch, samples, d, "dps diverged (its step zeta' / |y - A x0_hat| grows as the residual "
                + "shrinks); lower sampler.step_scale, or use sampler.name exact for a Gaussian-mixture prior");
          } else {
            x = settings.replacement().sample(denoiser(), rows, samples, draws);
          }
          if (modelCalls != null) {
            modelCalls.add(callsPerRow);
          }
          for (int g = 0; g < rows.length; g++) {
            for (int s = 0; s < samples; s++) {
              emit(batch.get(g), s, x, (g * samples + s) * d, d, std, null);
            }
          }
          return;
        }
        TimeGrid grid = settings.grid();
        TwistedDiffusionSampler tds = new TwistedDiffusionSampler(grid,
            TwistedDiffusionSampler.settings(settings.particles(), settings.essThreshold(), false), settings.twistScale());
        FkcResult out = tds.sample(differentiable(), rows, draws);
        if (modelCalls != null) {
          modelCalls.add(out.modelCalls());
        }
        int k = settings.particles();
        checkDiverged(out.samples(), batch, k, d, "tds diverged (the twist's gradient grows as sigma_y shrinks "
            + "against the prior's scale); use sampler.name exact for a Gaussian-mixture prior, or a larger "
            + "operator.sigma_y");
        for (int g = 0; g < rows.length; g++) {
          Parsed p = batch.get(g);
          double essMin = Double.POSITIVE_INFINITY;
          for (double e : out.essTrace()[g]) {
            essMin = Math.min(essMin, e / k);
          }
          for (int s = 0; s < settings.samples(); s++) {
            double u = KeyedStream.of(settings.seed(), RandomPurpose.POSTERIOR_DRAW, Hash64.combine(p.key(), s))
                .uniform(0);
            int pick = k - 1;
            double c = 0;
            for (int q = 0; q < k; q++) {
              c += out.weights()[g * k + q];
              if (u < c) {
                pick = q;
                break;
              }
            }
            emit(p, s, out.samples(), (g * k + pick) * d, d, std, essMin);
          }
        }
      }

      /**
       * TDS's twist gradient grows like 1 / sigma_y^2: when sigma_y is small against the prior's scale the
       * particles can run off (measured on the attrition table: values of 1e11); DPS's step zeta' / |r| grows
       * as the residual r shrinks. A particle (sample) beyond 1,000 prior standard deviations of every
       * component is such a divergence; the job stops rather than write it. A network prior has no known scale:
       * only a non-finite value is refused there. {@code k}: particles or samples per measured row.
       */
      private void checkDiverged(double[] x, List<Parsed> batch, int k, int d, String what) {
        double[] bound = new double[d];
        java.util.Arrays.fill(bound, mixture == null ? Double.MAX_VALUE : 0); // a network's scale is unknown: finite only
        for (int j = 0; j < d && mixture != null; j++) {
          for (int c = 0; c < mixture.components(); c++) {
            bound[j] = Math.max(bound[j], Math.abs(mixture.mean(c)[j]) + 1000 * Math.sqrt(mixture.covariance(c)[j][j]));
          }
        }
        for (int r = 0; r < x.length / d; r++) {
          for (int j = 0; j < d; j++) {
            double v = x[r * d + j];
            if (!(Math.abs(v) <= bound[j])) {
              throw InputDataException.of("sampler.name", what, "row id " + batch.get(r / k).id() + ": value " + v + " in model coordinate " + j
                  + (mixture == null ? " (not finite)" : ", beyond 1,000 prior standard deviations"));
            }
          }
        }
      }

      private SampleKey[] keys(long key) {
        SampleKey[] keys = new SampleKey[settings.samples()];
        for (int s = 0; s < keys.length; s++) {
          keys[s] = new SampleKey(key, s);
        }
        return keys;
      }

      private void emit(Parsed p, int s, double[] flat, int from, int d, Standardisation std, Double essMin) {
        double[] x = java.util.Arrays.copyOfRange(flat, from, from + d);
        std.toData(x, 0);
        if (settings.sampler() == PosteriorSettings.Kind.REPLACE && p.dataOp() instanceof MaskOperator mask) {
          int[] o = mask.observedIndices();
          for (int i = 0; i < o.length; i++) {
            x[o[i]] = p.y()[i]; // y in table units exactly (the model-space copy went through the standardisation)
          }
        }
        if (rowSamples != null) {
          System.arraycopy(x, 0, rowSamples, s * d, d);
          if (s == settings.samples() - 1) {
            summarise(p, d, essMin);
          }
          return;
        }
        Object[] v = new Object[d + 7];
        v[0] = p.id();
        v[1] = s;
        for (int j = 0; j < d; j++) {
          v[2 + j] = x[j];
        }
        v[d + 2] = residual(p, x);
        v[d + 3] = p.dataOp() == null ? 0 : callsPerRow;
        v[d + 4] = essMin;
        v[d + 5] = samplerJson;
        v[d + 6] = settings.seed();
        pending.add(RowFactory.create(v));
      }

      /** One summary row ({@code output_rows: summary}) from the row's S samples in table units. */
      private void summarise(Parsed p, int d, Double essMin) {
        PosteriorSummary sum = PosteriorSummary.of(rowSamples, 0, settings.samples(), d);
        Object[] v = new Object[4 * d + 7];
        v[0] = p.id();
        v[1] = settings.samples();
        for (int j = 0; j < d; j++) {
          v[2 + j] = sum.mean()[j];
          v[2 + d + j] = sum.variance()[j];
          v[2 + 2 * d + j] = sum.lower()[j];
          v[2 + 3 * d + j] = sum.upper()[j];
        }
        v[4 * d + 2] = residual(p, sum.mean());
        v[4 * d + 3] = p.dataOp() == null ? 0 : callsPerRow;
        v[4 * d + 4] = essMin;
        v[4 * d + 5] = samplerJson;
        v[4 * d + 6] = settings.seed();
        pending.add(RowFactory.create(v));
      }

      /** |y - A x| over the row's observed values, table units (0 for a row drawn from the prior). */
      private double residual(Parsed p, double[] x) {
        double ss = 0;
        if (p.dataOp() != null) {
          double[] ax = new double[p.dataOp().outputDimension()];
          p.dataOp().apply(x, 0, ax, 0);
          for (int i = 0; i < ax.length; i++) {
            double r = p.y()[i] - ax[i];
            ss += r * r;
          }
        }
        return Math.sqrt(ss);
      }
    };
  }

  /** The row's own measurement noise (sigma_y_column), checked: finite, >= 0, > 0 for tds and noise. */
  private double sigma(Row r, Object id) {
    Double v = r.isNullAt(3 + m) ? null : r.getDouble(3 + m);
    boolean positive = settings.sampler() == PosteriorSettings.Kind.TDS || operator.kind() == CorruptionKind.NOISE;
    if (v == null || !Double.isFinite(v) || v < 0 || positive && v == 0) {
      throw InputDataException.of("sigma_y_column", "must hold a finite noise level >= 0 in every row" + (positive
          ? " (> 0 for " + (operator.kind() == CorruptionKind.NOISE ? "operator.type noise" : "sampler tds") + ")"
          : "") + ": row id " + id, v);
    }
    return v;
  }

  /** Checks and converts one input row. */
  private Parsed parse(Row r, int d, Standardisation std) {
    Object id = r.get(0);
    long key = r.getLong(1);
    boolean[] observed = new boolean[m];
    List<?> flags = r.isNullAt(2 + m) ? null : r.getList(2 + m);
    if (flags != null && flags.size() != m) {
      throw InputDataException.of("observed", "must hold one flag per measured value (" + m + ") in row id " + id,
          flags.size() + " flags");
    }
    int seen = 0;
    for (int j = 0; j < m; j++) {
      observed[j] = flags == null ? !r.isNullAt(2 + j) : Boolean.TRUE.equals(flags.get(j));
      if (observed[j]) {
        seen++;
        Double v = r.isNullAt(2 + j) ? null : r.getDouble(2 + j);
        if (v == null || !Double.isFinite(v)) {
          throw InputDataException.of("y", "must be finite in every observed cell: row id " + id + ", measured value "
              + j, v);
        }
      }
    }
    if (seen == 0 && settings.unobserved() == PosteriorSettings.Unobserved.PRIOR
        && operator.kind() == CorruptionKind.MASK) {
      return new Parsed(id, key, null, null, null);
    }
    if (seen == 0) {
      throw InputDataException.of("observed", "must mark at least one observed cell: the mask of row id " + id
          + " hides every cell", "0 of " + m + " observed");
    }
    if (operator.kind() != CorruptionKind.MASK && seen < m) {
      throw InputDataException.of("observed", "must be all true for operator.type " + operator.kind().id()
          + " (it measures every value; use mask for missing cells): row id " + id, (m - seen) + " of " + m + " missing");
    }
    MeasurementOperator dataOp = operator.operator(d, observed, rowSigma ? sigma(r, id) : operator.sigmaY());
    int mo = dataOp.outputDimension();
    double[] y = new double[mo];
    int i = 0;
    for (int j = 0; j < m; j++) {
      if (observed[j]) {
        y[i++] = r.getDouble(2 + j);
      }
    }
    MeasurementOperator modelOp = dataOp;
    double[] modelY = y;
    if (!std.isIdentity() && settings.sampler() == PosteriorSettings.Kind.REPLACE && dataOp instanceof MaskOperator) {
      // replace needs the mask itself: z_o = (y - mean_o) / scale_o (sigma_y is 0)
      double[] mean = std.mean();
      double[] scale = std.scale();
      modelY = new double[mo];
      i = 0;
      for (int j = 0; j < d; j++) {
        if (observed[j]) {
          modelY[i] = (y[i] - mean[j]) / scale[j];
          i++;
        }
      }
      modelOp = new MaskOperator(observed, 0.0);
    } else if (!std.isIdentity()) {
      double[][] a = dataOp.matrix();
      double[] mean = std.mean();
      double[] scale = std.scale();
      modelY = new double[mo];
      for (int row = 0; row < mo; row++) {
        double am = 0;
        for (int col = 0; col < d; col++) {
          am += a[row][col] * mean[col];
          a[row][col] *= scale[col];
        }
        modelY[row] = y[row] - am;
      }
      modelOp = new DenseLinearOperator(a, dataOp.noiseSigma());
    }
    return new Parsed(id, key, dataOp, y, new Measurement(key, modelOp, modelY));
  }
}
