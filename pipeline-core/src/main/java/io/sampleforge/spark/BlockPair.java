package io.sampleforge.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * Identifies one (query block, reference block) pair of one class in the distributed all-pairs
 * neighbour search; also used with {@code reference = -1} to name a single block. A plain class,
 * not a record, because Spark's Kryo cannot serialize records.
 */
final class BlockPair implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String label;
  private final int query;
  private final int reference;

  BlockPair(String label, int query, int reference) {
    this.label = label;
    this.query = query;
    this.reference = reference;
  }

  String label() {
    return label;
  }

  int query() {
    return query;
  }

  int reference() {
    return reference;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlockPair p && p.label.equals(label) && p.query == query && p.reference == reference;
  }

  @Override
  public int hashCode() {
    return Objects.hash(label, query, reference);
  }
}
