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
 */
public record ClassPlan(String label, long before, long target, int neighbors, List<String> warnings)
    implements Serializable {

  public ClassPlan {
    warnings = List.copyOf(warnings);
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
    return new ClassPlan(label, before, before, neighbors, w);
  }
}
