package io.sampleforge.subset;

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
  private final java.util.List<java.util.Map<String, Integer>> dictionaries;

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

  ItemCorpus(long[] itemKeys, Column[] columns, java.util.List<java.util.Map<String, Integer>> dictionaries) {
    this.itemKeys = itemKeys;
    this.columns = columns;
    this.dictionaries = dictionaries;
  }

  /** The local id of a value of column j, or -1 when no item here holds it. */
  public int valueId(int column, String value) {
    Integer id = dictionaries.get(column).get(value);
    return id == null ? -1 : id;
  }

  /** Item d's distinct values in column j (with {@link #multiplicities}); in string order. */
  public String[] values(int column, int item) {
    Column c = columns[column];
    String[] byId = valueNames(column);
    String[] out = new String[c.itemStart()[item + 1] - c.itemStart()[item]];
    for (int p = c.itemStart()[item]; p < c.itemStart()[item + 1]; p++) {
      out[p - c.itemStart()[item]] = byId[c.values()[p]];
    }
    return out;
  }

  /** Item d's multiplicities in column j, aligned with {@link #values}. */
  public int[] multiplicities(int column, int item) {
    Column c = columns[column];
    return java.util.Arrays.copyOfRange(c.multiplicity(), c.itemStart()[item], c.itemStart()[item + 1]);
  }

  private String[][] names;

  private synchronized String[] valueNames(int column) {
    if (names == null) {
      names = new String[columns.length][];
    }
    if (names[column] == null) {
      String[] byId = new String[columns[column].cardinality()];
      dictionaries.get(column).forEach((v, id) -> byId[id] = v);
      names[column] = byId;
    }
    return names[column];
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
