package io.sampleforge.diffusion.continuous;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link SolverSpec}, the serialisable sampler of the diffuse job: every {@link SolverKind} builds
 * its solver on its default grid, survives Java serialisation (a Spark task's copy builds the same
 * solver and the same samples), and at 25 model calls draws samples of the 2-D GMM that an MMD test
 * (400 v 400, level 0.01) cannot tell from exact draws, while the same test rejects 3-step DDIM
 * (the power check). Bad combinations name their key.
 */
class SolverSpecTest {
  private static GaussianMixture prior() {
    return GaussianMixture.full(new double[] {0.5, 0.3, 0.2}, new double[][] {{-2.0, 0.0}, {2.0, 0.5}, {0.0, 2.5}},
        new double[][][] {{{0.4, 0.15}, {0.15, 0.3}}, {{0.2, -0.1}, {-0.1, 0.5}}, {{0.3, 0.0}, {0.0, 0.1}}});
  }

  private static final Map<SolverKind, Serializable> SETTINGS = Map.ofEntries(
      Map.entry(SolverKind.DDIM, DdimSettings.unclipped(0.0)),
      Map.entry(SolverKind.DPMSOLVER_PLUS_PLUS, DpmSolverSettings.DIFFUSERS),
      Map.entry(SolverKind.SDE_DPMSOLVER_PLUS_PLUS, SdeDpmSolverSettings.DIFFUSERS),
      Map.entry(SolverKind.DPMSOLVER_SINGLESTEP, DpmSolverSinglestepSettings.DPM_SOLVER_2S),
      Map.entry(SolverKind.UNIPC, UniPcSettings.DIFFUSERS),
      Map.entry(SolverKind.DEIS, DeisSettings.DIFFUSERS),
      Map.entry(SolverKind.EULER, EdmSettings.EULER),
      Map.entry(SolverKind.HEUN, EdmSettings.HEUN),
      Map.entry(SolverKind.DPMSOLVER, DpmSolverSettings.DIFFUSERS),
      Map.entry(SolverKind.DPMSOLVER_SINGLESTEP_NOISE, DpmSolverSinglestepSettings.DPM_SOLVER_2S),
      Map.entry(SolverKind.SDE_DPMSOLVER, SdeDpmSolverSettings.DIFFUSERS),
      Map.entry(SolverKind.IPNDM, IpndmSettings.DIFFUSERS));

  private static SolverSpec spec(SolverKind kind, int steps) {
    TimestepSpacing spacing = switch (kind) {
      case DPMSOLVER_SINGLESTEP, DPMSOLVER_SINGLESTEP_NOISE -> TimestepSpacing.LOGSNR;
      case EULER, HEUN -> TimestepSpacing.KARRAS;
      default -> TimestepSpacing.TRAILING;
    };
    FinalSigma last = kind == SolverKind.DEIS || kind == SolverKind.DPMSOLVER || kind == SolverKind.SDE_DPMSOLVER
        ? FinalSigma.SIGMA_MIN : FinalSigma.ZERO;
    return new SolverSpec(ScheduleSpec.DIFFUSERS, spacing, last, 0, kind, steps, SETTINGS.get(kind));
  }

  private static SampleKey[] keys(int n, long base) {
    SampleKey[] k = new SampleKey[n];
    for (int i = 0; i < n; i++) {
      k[i] = new SampleKey(base + i, 0);
    }
    return k;
  }

  @Test
  void everySolverBuildsSerialisesAndSamplesTheLaw() throws Exception {
    GaussianMixture prior = prior();
    Denoiser model = new GaussianMixtureDenoiser(prior, PredictionType.EPSILON);
    GaussianDraws draws = new GaussianDraws(5);
    SampleKey[] keys = keys(400, 0);
    double[] exact = draws.exactSamples(prior, keys(400, 1_000_000));
    for (SolverKind kind : SolverKind.values()) {
      int steps = kind == SolverKind.HEUN ? 13 : 25; // Heun: 2N - 1 = 25 calls
      SolverSpec spec = spec(kind, steps);
      SolverSpec copy = roundTrip(spec);
      GaussianSolver solver = spec.build();
      assertEquals(25, solver.modelCalls(), kind.id());
      double[] a = solver.sample(model, keys, draws).samples();
      double[] b = copy.build().sample(model, keys, draws).samples();
      assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b), kind.id() + ": a deserialised copy");
      SampleDistance.MmdTest t = SampleDistance.mmd(a, exact, 2, 200, 0.01, 3);
      assertFalse(t.rejects(), kind.id() + " at 25 calls: " + t);
      Map<String, Object> d = spec.describe();
      assertEquals(kind.id(), d.get("name"));
      assertEquals(25, d.get("model_calls"), kind.id());
    }
    double[] coarse = spec(SolverKind.DDIM, 3).build().sample(model, keys, draws).samples();
    SampleDistance.MmdTest power = SampleDistance.mmd(coarse, exact, 2, 200, 0.01, 3);
    assertTrue(power.rejects(), "3-step DDIM: " + power);
  }

  private static SolverSpec roundTrip(SolverSpec spec) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(spec);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (SolverSpec) in.readObject();
    }
  }

  @Test
  void solversGetTheirOwnGridsAndBadCombinationsNameTheKey() {
    assertInstanceOf(UniPc.class, spec(SolverKind.UNIPC, 10).build());
    assertInstanceOf(EdmSolver.class, spec(SolverKind.HEUN, 10).build());
    ScheduleSpec linear = new ScheduleSpec(ScheduleSpec.Kind.LINEAR, BetaSchedule.LINEAR, 1000, 1e-4, 0.02, 0.1, 20.0);
    List<Runnable> bad = List.of(
        () -> new SolverSpec(linear, TimestepSpacing.LINSPACE, FinalSigma.ZERO, 0, SolverKind.DPMSOLVER_PLUS_PLUS, 10,
            DpmSolverSettings.DIFFUSERS),
        () -> new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.LINSPACE, FinalSigma.ZERO, 0,
            SolverKind.DPMSOLVER_SINGLESTEP, 10, DpmSolverSinglestepSettings.DPM_SOLVER_2S),
        () -> new SolverSpec(linear, TimestepSpacing.TRAILING, FinalSigma.ZERO, 0, SolverKind.EULER, 10,
            EdmSettings.EULER));
    for (Runnable r : bad) {
      io.sampleforge.errors.ConfigException e = assertThrows(io.sampleforge.errors.ConfigException.class, r::run);
      assertTrue(e.getMessage().startsWith("parameter 'timesteps.spacing'"), e.getMessage());
    }
    // Euler / Heun on diffusers' spacings: interpolated sigmas (DiffusersGoldenTest checks the values)
    GaussianSolver euler = new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.LINSPACE, FinalSigma.ZERO, 0,
        SolverKind.EULER, 10, EdmSettings.EULER).build();
    assertEquals(10, euler.modelCalls());
    assertEquals(19, new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.TRAILING, FinalSigma.ZERO, 0,
        SolverKind.HEUN, 10, EdmSettings.HEUN).build().modelCalls());
    assertEquals(10, new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.TRAILING, FinalSigma.SIGMA_MIN, 0,
        SolverKind.EULER, 10, EdmSettings.EULER).timeGrid().steps());
    for (Runnable r : List.<Runnable>of(
        () -> new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.TRAILING, FinalSigma.SIGMA_MIN, 0, SolverKind.HEUN,
            10, EdmSettings.HEUN),
        () -> new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.LINSPACE, FinalSigma.SIGMA_MIN, 0, SolverKind.EULER,
            10, EdmSettings.EULER))) {
      io.sampleforge.errors.ConfigException e = assertThrows(io.sampleforge.errors.ConfigException.class, r::run);
      assertTrue(e.getMessage().startsWith("parameter 'final_sigmas_type' must be zero"), e.getMessage());
    }
    io.sampleforge.errors.ConfigException deis = assertThrows(io.sampleforge.errors.ConfigException.class,
        () -> new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.LINSPACE, FinalSigma.ZERO, 0, SolverKind.DEIS, 10,
            DeisSettings.DIFFUSERS));
    assertTrue(deis.getMessage().contains("final_sigmas_type"), deis.getMessage());
    io.sampleforge.errors.ConfigException wrongSettings = assertThrows(io.sampleforge.errors.ConfigException.class,
        () -> new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.LINSPACE, FinalSigma.ZERO, 0, SolverKind.UNIPC, 10,
            DpmSolverSettings.DIFFUSERS));
    assertTrue(wrongSettings.getMessage().contains("unipc takes UniPcSettings"), wrongSettings.getMessage());
  }

  /**
   * The noise-prediction DPM-Solver kinds build the DPM-Solver kernels with {@link DpmAlgorithm#NOISE_PREDICTION};
   * a grid that ends at sigma 0 (final_sigma zero, or karras on a discrete schedule) and a singlestep run without a
   * skip type are refused, naming the key.
   */
  @Test
  void noisePredictionDpmSolverKindsBuildAndRefuseCleanEnds() {
    DpmSolverPlusPlus multi = (DpmSolverPlusPlus) spec(SolverKind.DPMSOLVER, 10).build();
    assertEquals(DpmAlgorithm.NOISE_PREDICTION, multi.algorithm());
    assertEquals(DpmAlgorithm.DATA_PREDICTION, ((DpmSolverPlusPlus) spec(SolverKind.DPMSOLVER_PLUS_PLUS, 10).build())
        .algorithm());
    assertEquals(DpmAlgorithm.NOISE_PREDICTION,
        ((DpmSolverSinglestep) spec(SolverKind.DPMSOLVER_SINGLESTEP_NOISE, 10).build()).algorithm());
    assertEquals(SolverKind.DPMSOLVER_SINGLESTEP_NOISE, SolverKind.parse("solver.name", "dpmsolver_singlestep"));
    io.sampleforge.errors.ConfigException zero = assertThrows(io.sampleforge.errors.ConfigException.class,
        () -> new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.LINSPACE, FinalSigma.ZERO, 0, SolverKind.DPMSOLVER,
            10, DpmSolverSettings.DIFFUSERS));
    assertTrue(zero.getMessage().startsWith("parameter 'final_sigmas_type' must be sigma_min for the noise-prediction")
        && zero.getMessage().endsWith("zero"), zero.getMessage());
    io.sampleforge.errors.ConfigException karras = assertThrows(io.sampleforge.errors.ConfigException.class,
        () -> new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.KARRAS, FinalSigma.ZERO, 0, SolverKind.DPMSOLVER,
            10, DpmSolverSettings.DIFFUSERS));
    assertTrue(karras.getMessage().startsWith("parameter 'timesteps.spacing' 'karras' ends at sigma 0")
        && karras.getMessage().endsWith("karras"), karras.getMessage());
    io.sampleforge.errors.ConfigException single = assertThrows(io.sampleforge.errors.ConfigException.class,
        () -> new SolverSpec(ScheduleSpec.DIFFUSERS, TimestepSpacing.LINSPACE, FinalSigma.ZERO, 0,
            SolverKind.DPMSOLVER_SINGLESTEP_NOISE, 10, DpmSolverSinglestepSettings.DPM_SOLVER_2S));
    assertTrue(single.getMessage().startsWith("parameter 'timesteps.spacing' must be logSNR"), single.getMessage());
    // a native EDM schedule's karras grid may end at sigma_min
    assertEquals(10, new SolverSpec(ScheduleSpec.edm(0.002, 80, 7), TimestepSpacing.KARRAS, FinalSigma.SIGMA_MIN, 0,
        SolverKind.DPMSOLVER, 10, DpmSolverSettings.DIFFUSERS).build().modelCalls());
  }
}
