package io.sampleforge.spark.neighbors;

import java.io.Serializable;
import java.util.Objects;

/**
 * Identifies one (query block of class {@code label}, reference block of class {@code refLabel})
 * pair in the distributed all-pairs neighbour search; also used with {@code refLabel = ""} and
 * {@code reference = -1} to name a single block. A plain class, not a record, because Spark's Kryo
 * cannot serialize records.
 */
final class BlockPair implements Serializable {
  private static final long serialVersionUID = 2L;

  private final String label;
  private final int query;
  private final String refLabel;
  private final int reference;

  BlockPair(String label, int query, String refLabel, int reference) {
    this.label = label;
    this.query = query;
    this.refLabel = refLabel;
    this.reference = reference;
  }

  /** A single block of class {@code label}. */
  static BlockPair block(String label, int block) {
    return new BlockPair(label, block, "", -1);
  }

  String label() {
    return label;
  }

  int query() {
    return query;
  }

  String refLabel() {
    return refLabel;
  }

  int reference() {
    return reference;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlockPair p && p.label.equals(label) && p.query == query && p.refLabel.equals(refLabel)
        && p.reference == reference;
  }

  @Override
  public int hashCode() {
    return Objects.hash(label, query, refLabel, reference);
  }
}
