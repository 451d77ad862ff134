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
