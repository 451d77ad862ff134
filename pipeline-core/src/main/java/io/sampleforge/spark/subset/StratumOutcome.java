package io.sampleforge.spark.subset;

import io.sampleforge.subset.StratumPlan;

/**
 * What a GME selection did in one stratum: its plan, the entropies after its last pick (per
 * attribute column), and how many picks lowered some column's entropy.
 */
public record StratumOutcome(StratumPlan plan, double[] finalEntropies, long decreasedPicks) {}
