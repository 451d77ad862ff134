package io.sampleforge.tabular;

import java.io.Serializable;
import java.util.List;

/**
 * What over-sampling will do to one class: current and target counts, the neighbour count actually
 * used, and warnings to surface in logs and manifests.
 *
 * @param label class label (string form)
 * @param before rows in the input
 * @param target rows in the output
 * @param neighbors neighbours used for interpolation (k, or n-1 for a class with fewer than k+1 rows;
 *     0 for a one-row class, whose synthetic rows are copies)
 * @param warnings human-readable notes, empty when none
 * @param removedByCleaning rows (original or synthetic) that cleaning removed after synthesis
 */
public record ClassPlan(String label, long before, long target, int neighbors, List<String> warnings,
    long removedByCleaning) implements Serializable {

  public ClassPlan {
    warnings = List.copyOf(warnings);
    if (removedByCleaning < 0 || removedByCleaning > target) {
      throw new IllegalArgumentException("removedByCleaning must be in [0, target], got " + removedByCleaning);
    }
  }

  /** A plan before any cleaning. */
  public ClassPlan(String label, long before, long target, int neighbors, List<String> warnings) {
    this(label, before, target, neighbors, warnings, 0);
  }

  /** Rows of the class in the output: the target less what cleaning removed. */
  public long after() {
    return target - removedByCleaning;
  }

  /** This plan with {@code removed} rows removed by {@code cleaning}, recorded as a warning too. */
  public ClassPlan cleaned(String cleaning, long removed) {
    List<String> w = new java.util.ArrayList<>(warnings);
    if (removed > 0) {
      w.add("class '" + label + "': cleaning '" + cleaning + "' removed " + removed + " of " + target
          + " rows after synthesis (output " + (target - removed) + " rows)");
    }
    return new ClassPlan(label, before, target, neighbors, w, removed);
  }

  /** Number of synthetic rows to generate. */
  public long synthetic() {
    return target - before;
  }

  /** Children every row of the class receives (the quota floor). */
  public long baseChildren() {
    return before == 0 ? 0 : synthetic() / before;
  }

  /** Rows that receive one child more than the floor (chosen by keyed randomness). */
  public long remainder() {
    return before == 0 ? 0 : synthetic() % before;
  }

  /** This plan with no synthetic rows, and a warning saying why the target could not be met. */
  public ClassPlan unmet(String reason) {
    List<String> w = new java.util.ArrayList<>(warnings);
    w.add("class '" + label + "': " + reason + "; 0 synthetic rows instead of " + synthetic()
        + " (output " + before + " rows, requested " + target + ")");
    return new ClassPlan(label, before, before, neighbors, w, 0);
  }
}
