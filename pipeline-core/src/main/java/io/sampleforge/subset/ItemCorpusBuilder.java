package io.sampleforge.subset;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an {@link ItemCorpus} from items given in tie-break order, each with its attribute values
 * per column (one entry per relation; missing values already mapped or removed by the caller).
 * {@code binarised} counts each distinct value once per item, otherwise every relation counts.
 * Value ids are dense per column in first-seen order; an item's values are kept in string order.
 * Cost: O(values log values-per-item); memory grows in blocks ({@link IntChunks}), never by copying,
 * and {@link #bytesHeld()}/{@link #bytesBuilt()} let a caller budget it.
 */
public final class ItemCorpusBuilder {
  private final boolean binarised;
  private final ColumnBuilder[] columns;
  private long[] keys = new long[1024];
  private int items;
  private ItemCorpus built;

  public ItemCorpusBuilder(int columns, boolean binarised) {
    if (columns < 1) {
      throw new IllegalArgumentException("at least one attribute column is required");
    }
    this.binarised = binarised;
    this.columns = new ColumnBuilder[columns];
    for (int j = 0; j < columns; j++) {
      this.columns[j] = new ColumnBuilder();
    }
  }

  /** Appends the next item: its key and, per column, its values (one per relation). */
  public ItemCorpusBuilder add(long key, List<List<String>> valuesPerColumn) {
    if (built != null) {
      throw new IllegalStateException("the corpus is already built; start a new builder");
    }
    if (valuesPerColumn.size() != columns.length) {
      throw new IllegalArgumentException("expected " + columns.length + " columns, got " + valuesPerColumn.size());
    }
    if (items == keys.length) {
      keys = Arrays.copyOf(keys, items * 2);
    }
    keys[items++] = key;
    for (int j = 0; j < columns.length; j++) {
      columns[j].add(valuesPerColumn.get(j), binarised);
    }
    return this;
  }

  public int items() {
    return items;
  }

  /**
   * The corpus of the items added so far. Building hands the builder's blocks over to the corpus,
   * so later calls return the same (immutable) corpus and {@link #add} is refused afterwards.
   */
  public ItemCorpus build() {
    if (built != null) {
      return built;
    }
    ItemCorpus.Column[] done = new ItemCorpus.Column[columns.length];
    List<Map<String, Integer>> dictionaries = new java.util.ArrayList<>();
    for (int j = 0; j < columns.length; j++) {
      done[j] = columns[j].build(items);
      dictionaries.add(columns[j].ids);
    }
    this.built = new ItemCorpus(Arrays.copyOf(keys, items), done, dictionaries);
    keys = null;
    return this.built;
  }

  /** Bytes this builder holds now (growing blocks, dictionaries, keys); an estimate for budgeting. */
  public long bytesHeld() {
    long b = keys == null ? 0 : (long) keys.length * Long.BYTES;
    for (ColumnBuilder c : columns) {
      b += c.bytesHeld();
    }
    return b;
  }

  /**
   * Bytes the built corpus (both orientations of every column, dictionaries) plus the greedy
   * selection's state over it ({@link EntropyState}: a gain per item and column, counts per value)
   * will hold; an estimate for budgeting.
   */
  public long bytesToSelect() {
    long b = (long) items * (Long.BYTES + 2 * Integer.BYTES);
    for (ColumnBuilder c : columns) {
      b += 4L * Integer.BYTES * c.values.size() + (long) Integer.BYTES * (items + 1)
          + (2L * Integer.BYTES + 3L * Long.BYTES + DICTIONARY_ENTRY_BYTES) * c.ids.size()
          + (long) Double.BYTES * items + IntChunks.BLOCK_BYTES;
    }
    return b;
  }

  /** Heap per dictionary entry (HashMap node, boxed id, the value's String): measured order of size. */
  private static final long DICTIONARY_ENTRY_BYTES = 112;

  private static final class ColumnBuilder {
    private final Map<String, Integer> ids = new HashMap<>();
    private final IntChunks itemStart = new IntChunks();
    private final IntChunks values = new IntChunks();
    private final IntChunks multiplicity = new IntChunks();

    ColumnBuilder() {
      itemStart.add(0);
    }

    long bytesHeld() {
      return itemStart.bytes() + values.bytes() + multiplicity.bytes() + DICTIONARY_ENTRY_BYTES * ids.size();
    }

    void add(List<String> raw, boolean binarised) {
      int n = raw.size();
      String[] sorted = raw.toArray(new String[0]);
      for (String v : sorted) {
        if (v == null) {
          throw new IllegalArgumentException("null attribute value: map or drop missing values before building");
        }
      }
      // value order inside an item = string order, whatever the input order: every later sum over
      // an item's values (initial Delta, state updates) then runs in the same order in every mode
      Arrays.sort(sorted);
      for (int i = 0; i < n;) {
        int k = i;
        while (k < n && sorted[k].equals(sorted[i])) {
          k++;
        }
        Integer id = ids.get(sorted[i]);
        if (id == null) {
          id = ids.size();
          ids.put(sorted[i], id);
        }
        values.add(id);
        multiplicity.add(binarised ? 1 : k - i);
        i = k;
      }
      if (values.size() > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("more than 2^31 distinct (item, value) pairs in one column of one stratum");
      }
      itemStart.add((int) values.size());
    }

    ItemCorpus.Column build(int items) {
      int cardinality = ids.size();
      int[] starts = itemStart.toArray();
      int[] vals = values.toArray();
      int[] mult = multiplicity.toArray();
      int size = vals.length;
      int[] valueStart = new int[cardinality + 1];
      for (int p = 0; p < size; p++) {
        valueStart[vals[p] + 1]++;
      }
      for (int v = 0; v < cardinality; v++) {
        valueStart[v + 1] += valueStart[v];
      }
      int[] fill = Arrays.copyOf(valueStart, cardinality);
      int[] postings = new int[size];
      int[] postingMultiplicity = new int[size];
      for (int d = 0; d < items; d++) {
        for (int p = starts[d]; p < starts[d + 1]; p++) {
          int slot = fill[vals[p]]++;
          postings[slot] = d;
          postingMultiplicity[slot] = mult[p];
        }
      }
      return new ItemCorpus.Column(cardinality, starts, vals, mult, valueStart, postings, postingMultiplicity);
    }
  }
}
