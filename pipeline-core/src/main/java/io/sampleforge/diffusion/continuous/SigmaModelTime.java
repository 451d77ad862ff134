package io.sampleforge.diffusion.continuous;

/**
 * The model time of a VE sigma that is not a grid level: where EDM's algorithm 2 (Heun with churn,
 * {@link EdmSolver}) calls the model at sigma_hat = sigma (1 + gamma). Each grid family keeps its own
 * convention ({@link #of}), so that at a grid sigma it gives that level's own model time: the VE sigma itself on
 * the edm schedule; on a discrete schedule's Karras grid diffusers' {@code _sigma_to_t} (the fractional training
 * timestep, linear in log sigma, clamped to [0, T - 1]); on its linspace / leading / trailing grids the inverse
 * of {@link InterpolatedSigmas#sigmaAt} (linear in sigma between training timesteps, clamped likewise); on
 * dpm-solver skip-type grids the schedule's {@code modelTime} at the time of lambda = -log sigma (clamped to
 * t <= 1). A sigma above the schedule's largest is thus fed the model time of the largest, as diffusers and
 * k-diffusion clamp. Cost O(T) to build for a discrete schedule, O(T) (discrete) or O(1) per call.
 */
@FunctionalInterface
public interface SigmaModelTime {
  /** The model time of VE sigma {@code sigma} > 0. */
  double at(double sigma);

  /** The VP level of VE sigma {@code sigma} with this model time ({@link KarrasSigmas#ofSigma}). */
  default NoiseLevel level(double sigma) {
    return KarrasSigmas.ofSigma(at(sigma), sigma);
  }

  /** The convention of a grid built on {@code schedule} with {@code spacing} (see the type's description). */
  static SigmaModelTime of(NoiseSchedule schedule, TimestepSpacing spacing) {
    if (schedule instanceof EdmVeSchedule) {
      return s -> s;
    }
    if (spacing.skip() == null && schedule instanceof DiscreteVpSchedule discrete) {
      double[] sigmas = new double[discrete.trainSteps()];
      double[] logSigmas = new double[sigmas.length];
      for (int n = 0; n < sigmas.length; n++) {
        sigmas[n] = KarrasSigmas.trainingSigma(discrete, n);
        logSigmas[n] = Math.log(sigmas[n]);
      }
      return spacing == TimestepSpacing.KARRAS ? s -> KarrasSigmas.sigmaToT(s, logSigmas) : s -> interpolatedTime(s, sigmas);
    }
    return s -> schedule.modelTime(Math.min(schedule.start(), schedule.inverseLambda(-Math.log(s))));
  }

  /** The inverse of np.interp(t, arange(T), sigmas) over increasing training sigmas, clamped to [0, T - 1]. */
  private static double interpolatedTime(double s, double[] sigmas) {
    int last = sigmas.length - 1;
    if (s >= sigmas[last]) {
      return last;
    }
    if (!(s > sigmas[0])) {
      return 0;
    }
    int lo = 0;
    int hi = last;
    while (hi - lo > 1) { // sigmas[lo] < s <= sigmas[hi]
      int mid = (lo + hi) >>> 1;
      if (sigmas[mid] < s) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return s == sigmas[hi] ? hi : lo + (s - sigmas[lo]) / (sigmas[hi] - sigmas[lo]);
  }

  /**
   * For a grid built by hand: the grid's own model times interpolated linearly in log sigma between its
   * levels, clamped to the first level's time above it (and the last positive level's below).
   */
  static SigmaModelTime alongGrid(TimeGrid grid) {
    return s -> {
      double ls = Math.log(s);
      int last = grid.endsClean() ? grid.steps() - 1 : grid.steps();
      double prevLog = Math.log(EdmSolver.veSigma(grid.level(0)));
      if (ls >= prevLog || last == 0) {
        return grid.level(0).modelTime();
      }
      for (int i = 1; i <= last; i++) {
        double l = Math.log(EdmSolver.veSigma(grid.level(i)));
        if (ls >= l) {
          double w = (prevLog - ls) / (prevLog - l);
          return (1 - w) * grid.level(i - 1).modelTime() + w * grid.level(i).modelTime();
        }
        prevLog = l;
      }
      return grid.level(last).modelTime();
    };
  }
}
