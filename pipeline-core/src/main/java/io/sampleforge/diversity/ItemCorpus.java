package io.sampleforge.diversity;

/**
 * The GME sampler's input, compressed: items (in the order whose first index wins ties, i.e. sorted
 * by item id) and, per attribute column, each item's distinct value ids with multiplicities
 * (compressed sparse rows), the inverted index value -> items, and the column's cardinality |V_j|.
 * Built by {@link ItemCorpusBuilder}. Memory: about 16 bytes per (item, distinct value) pair per
 * column plus 8 bytes per item.
 */
public final class ItemCorpus {
  private final long[] itemKeys;
  private final Column[] columns;

  /** One attribute column in both orientations. */
  record Column(int cardinality, int[] itemStart, int[] values, int[] multiplicity, int[] valueStart, int[] postings,
      int[] postingMultiplicity) {

    int relations(int item) {
      int t = 0;
      for (int p = itemStart[item]; p < itemStart[item + 1]; p++) {
        t += multiplicity[p];
      }
      return t;
    }
  }

  ItemCorpus(long[] itemKeys, Column[] columns) {
    this.itemKeys = itemKeys;
    this.columns = columns;
  }

  public int items() {
    return itemKeys.length;
  }

  public int columns() {
    return columns.length;
  }

  /** |V_j|: distinct values of column j in the input. */
  public int cardinality(int column) {
    return columns[column].cardinality();
  }

  /** The stable 64-bit key of an item (a hash of its id), used to key approximation draws. */
  public long itemKey(int item) {
    return itemKeys[item];
  }

  Column column(int j) {
    return columns[j];
  }
}
