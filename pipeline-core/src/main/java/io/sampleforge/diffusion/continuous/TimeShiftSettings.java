package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the time-shift sampler TS-DPM (Li et al., "Alleviating Exposure Bias in Diffusion Models
 * through Sampling with Shifted Time Steps", ICLR 2024), applied by {@link TimeShiftDenoiser} (or, for the
 * noise-prediction DPM-Solver, by {@link TimeShiftedDpmSolver}). Config
 * keys {@code time_shift.window} and {@code time_shift.cutoff}.
 *
 * @param window {@code time_shift.window}, >= 0: the half-width w of the candidate set |t' - t| <= w, as
 *     Mingxiao-Li/TS-DPM's {@code sampler/deis_sampler.py::apply_time_shift} uses its {@code window_size}.
 *     That repository's DPM-Solver, PNDM and DDIM samplers halve their {@code --window_size} first
 *     ({@code window_shift = window_size // 2}), so their README's "w 30" is w = 15 here.
 * @param cutoff {@code time_shift.cutoff}, >= 0: rows are shifted only while the step's training timestep
 *     t (the integer part of the model time) is > cutoff
 */
public record TimeShiftSettings(int window, int cutoff) implements java.io.Serializable {
  /** The reference README's DEIS setting: {@code --window_size 10 --cut_off_value 900} (no halving in DEIS). */
  public static final TimeShiftSettings DEIS = new TimeShiftSettings(10, 900);

  /**
   * The reference README's DPM-Solver setting {@code --window_size 30 --cut_off_value 300}, whose
   * sampler halves the window: w = 15.
   */
  public static final TimeShiftSettings DPM_SOLVER = new TimeShiftSettings(15, 300);

  public TimeShiftSettings {
    if (window < 0) {
      throw ConfigException.of("time_shift.window", "must be >= 0 (the half-width of the timestep window)", window);
    }
    if (cutoff < 0) {
      throw ConfigException.of("time_shift.cutoff", "must be >= 0 (a training timestep)", cutoff);
    }
  }

  /** The settings as an ordered map (provenance). */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("window", window);
    m.put("cutoff", cutoff);
    return m;
  }
}
