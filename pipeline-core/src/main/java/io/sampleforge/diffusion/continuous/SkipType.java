package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * dpm-solver's {@code skip_type} ({@code DPM_Solver.get_time_steps}): N + 1 times from t_T down to
 * t_0 of a continuous {@link NoiseSchedule}: {@link #LOGSNR} ({@code logSNR}) uniform in lambda then
 * mapped back by the schedule's inverse lambda; {@link #TIME_UNIFORM} ({@code time_uniform}) uniform
 * in t; {@link #TIME_QUADRATIC} ({@code time_quadratic}) uniform in sqrt(t), squared. Cost O(N).
 */
public enum SkipType {
  LOGSNR("logSNR"),
  TIME_UNIFORM("time_uniform"),
  TIME_QUADRATIC("time_quadratic");

  private final String id;

  SkipType(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static SkipType parse(String key, String value) {
    return ConfigNames.parse(key, value, values(), SkipType::id);
  }

  /** The N + 1 times, t_T first and t_0 last. */
  public double[] times(NoiseSchedule schedule, double tStart, double tEnd, int steps) {
    if (steps < 1) {
      throw ConfigException.of("steps", "must be >= 1", steps);
    }
    if (!(tEnd > 0 && tEnd < tStart && tStart <= schedule.start())) {
      throw ConfigException.of("t_end", "must satisfy 0 < t_end < t_start (" + tStart + ") <= " + schedule.start(), tEnd);
    }
    double[] t = new double[steps + 1];
    switch (this) {
      case LOGSNR -> {
        double[] l = linspace(schedule.lambda(tStart), schedule.lambda(tEnd), steps + 1);
        for (int i = 0; i <= steps; i++) {
          t[i] = schedule.inverseLambda(l[i]);
        }
      }
      case TIME_UNIFORM -> t = linspace(tStart, tEnd, steps + 1);
      case TIME_QUADRATIC -> {
        double[] r = linspace(Math.sqrt(tStart), Math.sqrt(tEnd), steps + 1);
        for (int i = 0; i <= steps; i++) {
          t[i] = r[i] * r[i];
        }
      }
    }
    return t;
  }

  private static double[] linspace(double a, double b, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = i == n - 1 ? b : a + i * (b - a) / (n - 1);
    }
    return out;
  }
}
