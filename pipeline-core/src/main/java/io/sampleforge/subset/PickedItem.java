package io.sampleforge.subset;

import java.io.Serializable;

/**
 * One pick of a distributed GME selection, as every shard needs it to replay the state: which
 * shard owned the item and its index there, and the item's distinct values and multiplicities per
 * attribute column. A plain class (not a record) so that Kryo can ship it in broadcasts.
 */
public final class PickedItem implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int shard;
  private final int index;
  private final String[][] values;
  private final int[][] multiplicities;

  public PickedItem(int shard, int index, String[][] values, int[][] multiplicities) {
    this.shard = shard;
    this.index = index;
    this.values = values;
    this.multiplicities = multiplicities;
  }

  public int shard() {
    return shard;
  }

  public int index() {
    return index;
  }

  public String[][] values() {
    return values;
  }

  public int[][] multiplicities() {
    return multiplicities;
  }
}
