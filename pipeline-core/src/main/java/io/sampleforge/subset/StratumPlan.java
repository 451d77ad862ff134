package io.sampleforge.subset;

import java.io.Serializable;

/**
 * The plan for one stratum of a GME selection: its distinct items, the picks requested by the
 * configured size, and the picks that will be made (requested, or all items when capped).
 */
public record StratumPlan(String stratum, long items, long requested, long picks) implements Serializable {

  public boolean capped() {
    return picks < requested;
  }

  /** Resolves the plan, applying {@link WhenShort}; null when the stratum must fail. */
  public static StratumPlan of(String stratum, long items, SubsetSize size, WhenShort whenShort) {
    long requested = size.requested(items);
    if (requested > items && whenShort == WhenShort.FAIL) {
      return null;
    }
    return new StratumPlan(stratum, items, requested, Math.min(requested, items));
  }
}
