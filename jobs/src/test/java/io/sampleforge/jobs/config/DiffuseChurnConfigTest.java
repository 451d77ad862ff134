package io.sampleforge.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.diffusion.continuous.EdmChurn;
import io.sampleforge.diffusion.continuous.EdmSettings;
import io.sampleforge.errors.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The diffuse job's EDM churn keys (solver.s_churn, s_tmin, s_tmax, s_noise) on conf/jobs/diffuse.yaml: defaults
 * (diffusers': 0, 0, inf, 1) give the deterministic settings, set keys reach {@link EdmChurn} (s_tmax also as
 * Infinity or INF), and bad values or combinations are refused with exit 2 naming the key, the rule and the value.
 */
class DiffuseChurnConfigTest {
  private static final String[] EULER = {"solver.name=euler", "solver.order=null", "solver.solver_type=null",
      "solver.lower_order_final=null", "solver.euler_at_final=null"};

  private static DiffuseConfig bind(String... sets) {
    return ConfigLoader.bind(ConfigLoader.tree(Path.of("..", "conf", "jobs", "diffuse.yaml"), List.of(sets)),
        DiffuseConfig.class);
  }

  private static String[] euler(String... more) {
    List<String> all = new ArrayList<>(List.of(EULER));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static EdmSettings settings(String... sets) {
    return (EdmSettings) bind(sets).solverSpec().settings();
  }

  private static String refusal(String... sets) {
    return assertThrows(ConfigException.class, () -> bind(sets)).getMessage();
  }

  @Test
  void churnKeysReachTheSettings() {
    assertEquals(EdmChurn.OFF, settings(euler()).churn());
    assertEquals(new EdmChurn(40, 0.05, 50, 1.003), settings(euler("solver.name=heun", "solver.s_churn=40",
        "solver.s_tmin=0.05", "solver.s_tmax=50", "solver.s_noise=1.003")).churn());
    assertEquals(Double.POSITIVE_INFINITY, settings(euler("solver.s_churn=1", "solver.s_tmax=Infinity")).churn().sTmax());
    assertEquals(Double.POSITIVE_INFINITY, settings(euler("solver.s_churn=1", "solver.s_tmax=INF")).churn().sTmax());
  }

  @Test
  void badChurnIsRefusedNamingTheKey() {
    String m = refusal("solver.s_churn=1");
    assertTrue(m.startsWith("parameter 'solver.s_churn' does not apply to solver.name dpmsolver++") && m.endsWith("1.0"),
        m);
    m = refusal(euler("solver.s_churn=-1"));
    assertTrue(m.startsWith("parameter 'solver.s_churn' must be >= 0") && m.endsWith("-1.0"), m);
    m = refusal(euler("solver.s_churn=1", "solver.s_tmin=2", "solver.s_tmax=1"));
    assertTrue(m.startsWith("parameter 'solver.s_tmin' must be <= s_tmax (1.0)") && m.endsWith("2.0"), m);
    m = refusal(euler("solver.s_churn=1", "solver.s_noise=-0.5"));
    assertTrue(m.startsWith("parameter 'solver.s_noise' must be >= 0") && m.endsWith("-0.5"), m);
    m = refusal(euler("solver.s_noise=1.003"));
    assertTrue(m.startsWith("parameter 'solver.s_noise/solver.s_churn' applies only with solver.s_churn > 0"), m);
    m = refusal(euler("solver.name=heun", "solver.s_churn=0", "solver.s_tmin=0.5"));
    assertTrue(m.startsWith("parameter 'solver.s_tmin/solver.s_churn' applies only with solver.s_churn > 0"), m);
  }
}
