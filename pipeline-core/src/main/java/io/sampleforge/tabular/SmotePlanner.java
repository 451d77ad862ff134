package io.sampleforge.tabular;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Turns per-class counts, a {@link SamplingStrategy} and k into one {@link ClassPlan} per class,
 * applying the small-class rules: a class with n &lt; k+1 rows uses k = n-1 neighbours (warned),
 * and a one-row class has its row duplicated (warned), instead of imbalanced-learn's error.
 * Cost: O(classes).
 */
public final class SmotePlanner {
  private SmotePlanner() {}

  /** Plans every class; classes that are not raised get a plan with zero synthetic rows. */
  public static List<ClassPlan> plan(Map<String, Long> counts, SamplingStrategy strategy, int k) {
    return plan(counts, strategy, k, true);
  }

  /**
   * As above; with {@code interpolates} false (random over-sampling) no neighbours are used and the
   * small-class rules do not apply.
   */
  public static List<ClassPlan> plan(Map<String, Long> counts, SamplingStrategy strategy, int k, boolean interpolates) {
    SortedMap<String, Long> targets = strategy.targets(counts);
    List<ClassPlan> plans = new ArrayList<>();
    for (Map.Entry<String, Long> e : targets.entrySet()) {
      String label = e.getKey();
      long before = counts.get(label);
      long target = e.getValue();
      List<String> warnings = new ArrayList<>();
      int neighbors = k;
      if (!interpolates) {
        neighbors = 0;
      } else if (target > before) {
        if (before == 1) {
          neighbors = 0;
          warnings.add("class '" + label + "' has 1 row: its " + (target - before)
              + " synthetic rows are copies of it (SMOTE needs at least 2 rows to interpolate)");
        } else if (before < k + 1L) {
          neighbors = (int) (before - 1);
          warnings.add("class '" + label + "' has " + before + " rows, fewer than k+1=" + (k + 1)
              + ": using k=" + neighbors + " neighbours");
        }
      }
      plans.add(new ClassPlan(label, before, target, neighbors, warnings));
    }
    return plans;
  }
}
