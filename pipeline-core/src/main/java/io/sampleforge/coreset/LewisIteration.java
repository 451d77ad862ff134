package io.sampleforge.coreset;

import io.sampleforge.errors.ConfigException;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Drives the Lewis fixed-point iteration over any row store: {@code pass} streams every row through a
 * {@link LewisPass} (in memory, or a Spark aggregation over a cached matrix) and returns it merged.
 * Stops when the largest relative change of any weight falls below the tolerance, and fails with a
 * {@link ConfigException} naming {@code max_iterations} when the cap is reached first. The result is
 * the factor whose {@link CoresetScoring} gives the converged weights. Cost: one pass (O(n d^2)) per
 * iteration; about log(tolerance) / log|1 - p/2| iterations (1 at p = 2).
 */
public final class LewisIteration {
  private LewisIteration() {}

  /** The converged factor, the passes made and the last measured change. */
  public record Result(GramFactor factor, int iterations, double maxChange) {}

  public static Result run(UnaryOperator<LewisPass> pass, int d, double p, int maxIterations, double tolerance,
      List<String> columns) {
    GramFactor previous = null;
    GramFactor current = null;
    double change = Double.NaN;
    for (int k = 0; k < maxIterations; k++) {
      LewisPass done = pass.apply(new LewisPass(p, d, current, previous));
      if (k >= 1) {
        change = done.maxChange();
        if (change < tolerance) {
          return new Result(current, k + 1, change);
        }
      }
      previous = current;
      current = GramFactor.of(done.gram().matrix(), 0.0, columns);
    }
    throw ConfigException.of("max_iterations", String.format(Locale.ROOT,
        "was reached before the Lewis weights converged (largest relative change %.3g after %d passes, tolerance %.1e);"
            + " raise max_iterations or tolerance, or use a p further below 4", change, maxIterations, tolerance),
        maxIterations);
  }
}
