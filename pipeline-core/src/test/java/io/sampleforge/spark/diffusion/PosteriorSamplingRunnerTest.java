package io.sampleforge.spark.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.GaussianMixtureDenoiser;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.diffusion.posterior.Corruption;
import io.sampleforge.diffusion.posterior.DenseLinearOperator;
import io.sampleforge.diffusion.posterior.ExactPosterior;
import io.sampleforge.diffusion.posterior.MaskOperator;
import io.sampleforge.diffusion.posterior.Measurement;
import io.sampleforge.diffusion.posterior.ReplacementSampler;
import io.sampleforge.errors.InputDataException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The posterior runner under a standardised prior (data = mean + scale z, as a gmm-fit prior is), called
 * directly on rows (no Spark session): the operator is mapped into the model's space exactly, so a
 * linear measurement's posterior mean over 4,000 exact draws matches the closed-form posterior of the
 * same mixture written in the table's units (computed here, independently of the mapping) within 4
 * standard errors, the residual is |y - A x| in table units, a masked row's observed cell is copied, replace
 * runs the kernel on the model-space mask (its y standardised) and writes y itself in the observed cell, dps
 * counts N calls and an absurd step scale is stopped by the divergence guard, and
 * a vanishing sigma_y returns y.
 */
class PosteriorSamplingRunnerTest {
  private static final double[] MEAN = {100.0, -5.0};
  private static final double[] SCALE = {20.0, 0.5};
  private static final double[] W = {0.6, 0.4};
  private static final double[][] MU = {{-1.0, 0.5}, {1.2, -0.4}};
  private static final double[][][] COV = {{{0.3, 0.1}, {0.1, 0.4}}, {{0.5, -0.2}, {-0.2, 0.3}}};

  private static MixtureModelSpec standardised() {
    return new MixtureModelSpec(List.of("a", "b"), W, MU, COV, null, new Standardisation(MEAN, SCALE),
        Map.of("type", "gmm-fit"));
  }

  /** The same mixture in table units: mean + scale mu, D Sigma D. */
  private static GaussianMixture inTableUnits() {
    double[][] mu = new double[2][2];
    double[][][] cov = new double[2][2][2];
    for (int k = 0; k < 2; k++) {
      for (int i = 0; i < 2; i++) {
        mu[k][i] = MEAN[i] + SCALE[i] * MU[k][i];
        for (int j = 0; j < 2; j++) {
          cov[k][i][j] = SCALE[i] * SCALE[j] * COV[k][i][j];
        }
      }
    }
    return GaussianMixture.full(W, mu, cov);
  }

  private static List<Row> run(Corruption op, int samples, int m, Object... values) throws Exception {
    return run(new PosteriorSettings(PosteriorSettings.Kind.EXACT, samples, 1, 1, 0.5, 1.0, 1.0, 10, 1, 1024, 7,
        PosteriorSettings.Unobserved.FAIL, null), op, m, values);
  }

  private static List<Row> run(PosteriorSettings s, Corruption op, int m, Object... values) throws Exception {
    Object[] row = new Object[3 + m];
    row[0] = 9L;
    row[1] = 1234L;
    System.arraycopy(values, 0, row, 2, m);
    row[2 + m] = null;
    Iterator<Row> out = new PosteriorSamplingRunner(standardised(), op, s, m, null, null)
        .call(List.of(RowFactory.create(row)).iterator());
    List<Row> rows = new ArrayList<>();
    out.forEachRemaining(rows::add);
    return rows;
  }

  @Test
  void aLinearMeasurementIsMappedIntoTheStandardisedSpaceExactly() throws Exception {
    double[][] a = {{0.05, 4.0}};
    double y = 0.05 * 110 + 4.0 * -5.2;
    List<Row> rows = run(Corruption.linear(a, 0.5), 4000, 1, y);
    GaussianMixture post = ExactPosterior.of(inTableUnits(), new Measurement(0, new DenseLinearOperator(a, 0.5),
        new double[] {y}));
    for (int i = 0; i < 2; i++) {
      double m = 0;
      double second = 0;
      for (int k = 0; k < post.components(); k++) {
        double mk = post.mean(k)[i];
        m += post.weight(k) * mk;
        second += post.weight(k) * (post.covariance(k)[i][i] + mk * mk);
      }
      double sd = Math.sqrt(second - m * m);
      double sample = 0;
      for (Row r : rows) {
        sample += r.getDouble(2 + i);
      }
      sample /= rows.size();
      assertEquals(m, sample, 4 * sd / Math.sqrt(rows.size()), "coordinate " + i + " (sd " + sd + ")");
    }
    Row r = rows.get(0);
    assertEquals(Math.abs(y - 0.05 * r.getDouble(2) - 4.0 * r.getDouble(3)), r.getDouble(4), 1e-9,
        "residual, table units");
    assertEquals(0, r.getInt(5));
    assertNull(r.get(6), "no ESS for exact draws");
  }

  /**
   * replace under the standardised prior is the kernel on the model-space mask with z_o = (y - mean_o) /
   * scale_o, mapped back (derived here from the kernel and the standardisation), with y itself in the
   * observed cell and nfe N + (r - 1) j floor((N - 1) / j) = 10 + 1 * 3 * 3.
   */
  @Test
  void replaceRunsTheKernelOnTheMaskInModelSpace() throws Exception {
    PosteriorSettings s = new PosteriorSettings(PosteriorSettings.Kind.REPLACE, 3, 1, 10, 0.5, 1.0, 1.0, 3, 2, 1024, 7,
        PosteriorSettings.Unobserved.FAIL, null);
    List<Row> rows = run(s, Corruption.mask(0.5, 0.0, 0.0), 2, null, -4.6);
    double[] z = new ReplacementSampler(s.grid(), 3, 2).sample(
        new GaussianMixtureDenoiser(GaussianMixture.full(W, MU, COV), PredictionType.SAMPLE),
        new Measurement[] {new Measurement(1234L, new MaskOperator(new boolean[] {false, true}, 0.0),
            new double[] {(-4.6 - MEAN[1]) / SCALE[1]})}, 3, new GaussianDraws(7));
    assertEquals(3, rows.size());
    for (int i = 0; i < 3; i++) {
      Row r = rows.get(i);
      assertEquals(i, r.getInt(1));
      assertEquals(MEAN[0] + SCALE[0] * z[2 * i], r.getDouble(2), 1e-9, "missing cell, sample " + i);
      assertEquals(-4.6, r.getDouble(3), 0.0, "the observed cell is y exactly");
      assertEquals(19, r.getInt(5), "nfe");
    }
    assertNotEquals(rows.get(0).getDouble(2), rows.get(1).getDouble(2), "samples differ");
  }

  /** dps: nfe N and finite samples at a moderate zeta'; an absurd zeta' runs off and is stopped naming the row. */
  @Test
  void dpsCountsItsStepsAndADivergenceIsStopped() throws Exception {
    PosteriorSettings ok = new PosteriorSettings(PosteriorSettings.Kind.DPS, 4, 1, 12, 0.5, 1.0, 0.5, 10, 1, 1024, 7,
        PosteriorSettings.Unobserved.FAIL, null);
    List<Row> rows = run(ok, Corruption.noise(5.0, 0.0), 2, 110.0, -5.2);
    assertEquals(4, rows.size());
    for (Row r : rows) {
      assertEquals(12, r.getInt(5), "nfe");
      assertTrue(Double.isFinite(r.getDouble(2)) && Double.isFinite(r.getDouble(3)));
    }
    PosteriorSettings wild = new PosteriorSettings(PosteriorSettings.Kind.DPS, 4, 1, 12, 0.5, 1.0, 1e12, 10, 1, 1024, 7,
        PosteriorSettings.Unobserved.FAIL, null);
    InputDataException e = assertThrows(InputDataException.class,
        () -> run(wild, Corruption.noise(5.0, 0.0), 2, 110.0, -5.2));
    assertTrue(e.getMessage().contains("dps diverged") && e.getMessage().contains("row id 9"), e.getMessage());
  }

  @Test
  void maskedAndNearlyExactRowsKeepTheirObservedValues() throws Exception {
    for (Row r : run(Corruption.mask(0.5, 0.0, 0.0), 50, 2, 130.0, null)) {
      assertEquals(130.0, r.getDouble(2), 1e-9, "the observed cell is copied");
    }
    for (Row r : run(Corruption.noise(1e-7, 0.0), 5, 2, 87.5, -4.1)) {
      assertEquals(87.5, r.getDouble(2), 1e-4);
      assertEquals(-4.1, r.getDouble(3), 1e-4);
    }
  }
}
