package io.sampleforge.subset;

/**
 * The GME sampler's output for one stratum, in selection order: pick r (0-based) chose item
 * {@code items[r]}; its per-column entropies after the pick (nats, rounded to 5 decimals as the
 * reference reports them) are {@code entropies[r * columns + j]}; {@code objective[r]} is the
 * selector's value (distance to utopia, or entropy sum); {@code decreased[r]} says whether some
 * column's entropy went down with this pick (the reference logs a warning then).
 */
public record GmeRanking(int columns, int[] items, double[] entropies, double[] objective, boolean[] decreased) {

  public int picks() {
    return items.length;
  }

  public double entropy(int pick, int column) {
    return entropies[pick * columns + column];
  }
}
