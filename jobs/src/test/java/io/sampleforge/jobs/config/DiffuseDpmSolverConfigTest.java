package io.sampleforge.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.diffusion.continuous.DpmSolverSettings;
import io.sampleforge.diffusion.continuous.DpmSolverSinglestepSettings;
import io.sampleforge.diffusion.continuous.FinalSigma;
import io.sampleforge.diffusion.continuous.SolverKind;
import io.sampleforge.diffusion.continuous.SolverSpec;
import io.sampleforge.diffusion.continuous.TimestepSpacing;
import io.sampleforge.errors.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The diffuse job's noise-prediction DPM-Solver ({@code solver.name: dpmsolver | dpmsolver-singlestep}) on
 * conf/jobs/diffuse.yaml: the keys of dpmsolver++ (resp. dpmsolver++-singlestep) reach its settings, an unset
 * {@code timesteps.final_sigma} defaults to sigma_min (diffusers refuses zero for dpmsolver), and a clean end
 * (final_sigma zero, karras on a discrete schedule) is refused with exit 2 naming the key, the rule and the value;
 * with {@code time_shift} the stage runs TS-DPM's DPM-Solver variant ({@code TimeShiftedDpmSolver}) instead of the
 * model decorator, and a window too wide for the grid is refused naming {@code time_shift.window}.
 */
class DiffuseDpmSolverConfigTest {
  private static DiffuseConfig bind(String... sets) {
    return ConfigLoader.bind(ConfigLoader.tree(Path.of("..", "conf", "jobs", "diffuse.yaml"), List.of(sets)),
        DiffuseConfig.class);
  }

  private static String refusal(String... sets) {
    return assertThrows(ConfigException.class, () -> bind(sets).solverSpec()).getMessage();
  }

  @Test
  void keysReachTheNoisePredictionSolvers() {
    SolverSpec spec = bind("solver.name=dpmsolver", "timesteps.final_sigma=null", "solver.order=3",
        "solver.solver_type=heun", "solver.euler_at_final=true").solverSpec();
    assertEquals(SolverKind.DPMSOLVER, spec.kind());
    assertEquals(FinalSigma.SIGMA_MIN, spec.finalSigma());
    assertEquals(new DpmSolverSettings(3, DpmSolverSettings.SolverType.HEUN, true, true,
        DpmSolverSettings.OrderRule.DIFFUSERS), spec.settings());
    assertEquals("dpmsolver", spec.describe().get("name"));
    SolverSpec single = bind("solver.name=dpmsolver-singlestep", "solver.lower_order_final=null",
        "solver.euler_at_final=null", "timesteps.final_sigma=null", "timesteps.steps_offset=null", "timesteps.spacing=null",
        "solver.order=3",
        "solver.method=singlestep_fixed").solverSpec();
    assertEquals(SolverKind.DPMSOLVER_SINGLESTEP_NOISE, single.kind());
    assertEquals(TimestepSpacing.LOGSNR, single.spacing());
    assertEquals(new DpmSolverSinglestepSettings(3, DpmSolverSettings.SolverType.MIDPOINT,
        DpmSolverSinglestepSettings.Method.SINGLESTEP_FIXED), single.settings());
  }

  @Test
  void cleanEndsAreRefusedNamingTheKey() {
    String m = refusal("solver.name=dpmsolver"); // the example sets final_sigma: zero
    assertTrue(m.startsWith("parameter 'timesteps.final_sigma' must be sigma_min for the noise-prediction DPM-Solver")
        && m.endsWith("zero"), m);
    m = refusal("solver.name=dpmsolver", "timesteps.final_sigma=null", "timesteps.spacing=karras",
        "timesteps.steps_offset=null");
    assertTrue(m.startsWith("parameter 'timesteps.spacing' 'karras' ends at sigma 0") && m.endsWith("karras"), m);
    m = refusal("solver.name=dpmsolver-singlestep");
    assertTrue(m.startsWith("parameter 'solver.lower_order_final' does not apply to solver.name dpmsolver-singlestep"),
        m);
  }

  /** sde-dpmsolver (diffusers' noise-prediction SDE) and UniPC's {@code predict_x0: false} through the job's config. */
  @Test
  void noisePredictionSdeAndUniPcKeys() {
    SolverSpec sde = bind("solver.name=sde-dpmsolver", "timesteps.final_sigma=null", "solver.solver_type=heun",
        "solver.order_rule=null").solverSpec();
    assertEquals(SolverKind.SDE_DPMSOLVER, sde.kind());
    assertEquals(FinalSigma.SIGMA_MIN, sde.finalSigma());
    assertEquals(new io.sampleforge.diffusion.continuous.SdeDpmSolverSettings(2, DpmSolverSettings.SolverType.HEUN, true,
        false), sde.settings());
    assertTrue(sde.kind().stochastic(sde.settings()));
    String m = refusal("solver.name=sde-dpmsolver", "solver.order=3", "solver.order_rule=null", "timesteps.final_sigma=null");
    assertTrue(m.startsWith("parameter 'solver.order' must be 1 or 2 with algorithm_type sde-dpmsolver") && m.endsWith("3"),
        m);
    m = refusal("solver.name=sde-dpmsolver", "solver.order_rule=null");
    assertTrue(m.startsWith("parameter 'timesteps.final_sigma' must be sigma_min for the noise-prediction SDE")
        && m.endsWith("zero"), m);
    String[] unipc = {"solver.name=unipc", "solver.solver_type=null", "solver.euler_at_final=null",
        "solver.order_rule=null"};
    SolverSpec noise = bind(concat(unipc, "solver.predict_x0=false")).solverSpec();
    assertEquals(false, ((io.sampleforge.diffusion.continuous.UniPcSettings) noise.settings()).predictX0());
    assertEquals(false, noise.describe().get("predict_x0"));
    assertEquals(true, ((io.sampleforge.diffusion.continuous.UniPcSettings) bind(unipc).solverSpec().settings())
        .predictX0());
    m = refusal(concat(unipc, "solver.predict_x0=false", "solver.thresholding=true"));
    assertTrue(m.startsWith("parameter 'solver.thresholding' must be false with predict_x0 false") && m.endsWith("true"),
        m);
    m = refusal(concat(unipc, "solver.predict_x0=false", "steps=5", "solver.dc_ratios=[1, 1, 0.9, 1, 1]"));
    assertTrue(m.startsWith("parameter 'solver.dc_ratios' apply only with predict_x0 true"), m);
    m = refusal("solver.predict_x0=false");
    assertTrue(m.startsWith("parameter 'solver.predict_x0' does not apply to solver.name dpmsolver++"), m);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void timeShiftRunsTheDpmSolverVariant() {
    String[] dpm = {"solver.name=dpmsolver", "timesteps.final_sigma=sigma_min", "time_shift.window=15",
        "time_shift.cutoff=300"};
    io.sampleforge.spark.diffusion.GaussianSamplingSettings s = bind(dpm).samplingSettings();
    assertTrue(s.timeShiftInSolver());
    assertTrue(s.buildSolver() instanceof io.sampleforge.diffusion.continuous.TimeShiftedDpmSolver);
    assertEquals(java.util.Map.of("window", 15, "cutoff", 300, "variant", "dpm_solver"),
        s.describe(false).get("time_shift"));
    io.sampleforge.spark.diffusion.GaussianSamplingSettings plusPlus = bind("time_shift.window=15",
        "time_shift.cutoff=300").samplingSettings();
    assertTrue(!plusPlus.timeShiftInSolver() && !(plusPlus.buildSolver()
        instanceof io.sampleforge.diffusion.continuous.TimeShiftedDpmSolver));
    String m = assertThrows(ConfigException.class, () -> bind("solver.name=dpmsolver", "timesteps.final_sigma=sigma_min",
        "time_shift.window=30", "time_shift.cutoff=0").samplingSettings()).getMessage();
    assertTrue(m.startsWith("parameter 'time_shift.window' must keep each shifted target below") && m.endsWith("30"), m);
  }
}
