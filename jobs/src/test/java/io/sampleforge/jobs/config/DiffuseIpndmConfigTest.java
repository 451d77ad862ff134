package io.sampleforge.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.diffusion.continuous.Ipndm;
import io.sampleforge.diffusion.continuous.SolverKind;
import io.sampleforge.diffusion.continuous.SolverSpec;
import io.sampleforge.errors.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code solver.name: ipndm} on conf/jobs/diffuse.yaml: with the schedule, timesteps and other solvers' keys
 * unset it builds {@link Ipndm} on diffusers' IPNDMScheduler grid; each key that does not apply is refused
 * with exit 2 naming it, the rule and the value.
 */
class DiffuseIpndmConfigTest {
  private static final String[] IPNDM = {"solver.name=ipndm", "solver.order=null", "solver.solver_type=null",
      "solver.lower_order_final=null", "solver.euler_at_final=null", "schedule.type=null",
      "schedule.beta_schedule=null", "schedule.num_train_timesteps=null", "schedule.beta_start=null",
      "schedule.beta_end=null", "timesteps.spacing=null", "timesteps.final_sigma=null", "timesteps.steps_offset=null"};

  private static DiffuseConfig bind(String... more) {
    List<String> all = new ArrayList<>(List.of(IPNDM));
    all.addAll(List.of(more));
    return ConfigLoader.bind(ConfigLoader.tree(Path.of("..", "conf", "jobs", "diffuse.yaml"), all),
        DiffuseConfig.class);
  }

  private static String refusal(String... more) {
    return assertThrows(ConfigException.class, () -> bind(more)).getMessage();
  }

  @Test
  void ipndmBuildsItsOwnGrid() {
    SolverSpec spec = bind("steps=12").solverSpec();
    assertEquals(SolverKind.IPNDM, spec.kind());
    Ipndm solver = (Ipndm) spec.build();
    assertEquals(Ipndm.diffusersGrid(12).level(3), solver.grid().level(3));
    assertEquals(12, solver.modelCalls());
    assertEquals("ipndm", spec.describe().get("spacing"));
  }

  @Test
  void keysThatDoNotApplyAreRefused() {
    String m = refusal("schedule.beta_schedule=linear");
    assertTrue(m.startsWith("parameter 'schedule.beta_schedule' does not apply to solver.name ipndm")
        && m.endsWith("linear"), m);
    m = refusal("timesteps.spacing=trailing");
    assertTrue(m.startsWith("parameter 'timesteps.spacing' does not apply to solver.name ipndm"), m);
    m = refusal("solver.order=2");
    assertTrue(m.startsWith("parameter 'solver.order' does not apply to solver.name ipndm"), m);
    m = refusal("solver.thresholding=true");
    assertTrue(m.startsWith("parameter 'solver.thresholding' does not apply to solver.name ipndm"), m);
    m = refusal("time_shift.window=10", "time_shift.cutoff=900");
    assertTrue(m.startsWith("parameter 'time_shift' does not apply to solver.name ipndm"), m);
    SolverSpec spec = bind().solverSpec();
    m = assertThrows(ConfigException.class, () -> new io.sampleforge.spark.diffusion.GaussianSamplingSettings(spec, 1,
        8, 1.0, io.sampleforge.diffusion.continuous.TimeShiftSettings.DEIS)).getMessage();
    assertTrue(m.startsWith("parameter 'time_shift' does not apply to solver.name ipndm"), m);
  }
}
