package io.sampleforge.diversity;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an {@link ItemCorpus} from items given in tie-break order, each with its attribute values
 * per column (one entry per relation; missing values already mapped or removed by the caller).
 * {@code binarised} counts each distinct value once per item, otherwise every relation counts.
 * Value ids are dense per column in first-seen order; an item's values are kept in string order.
 * Cost: O(values log values-per-item).
 */
public final class ItemCorpusBuilder {
  private final boolean binarised;
  private final ColumnBuilder[] columns;
  private long[] keys = new long[1024];
  private int items;

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

  public ItemCorpus build() {
    ItemCorpus.Column[] built = new ItemCorpus.Column[columns.length];
    List<Map<String, Integer>> dictionaries = new java.util.ArrayList<>();
    for (int j = 0; j < columns.length; j++) {
      built[j] = columns[j].build(items);
      dictionaries.add(columns[j].ids);
    }
    return new ItemCorpus(Arrays.copyOf(keys, items), built, dictionaries);
  }

  private static final class ColumnBuilder {
    private final Map<String, Integer> ids = new HashMap<>();
    private int[] itemStart = new int[1025];
    private int[] values = new int[1024];
    private int[] multiplicity = new int[1024];
    private int size;
    private int item;

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
      ensure(size + n);
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
        values[size] = id;
        multiplicity[size] = binarised ? 1 : k - i;
        size++;
        i = k;
      }
      item++;
      if (item + 1 > itemStart.length) {
        itemStart = Arrays.copyOf(itemStart, itemStart.length * 2);
      }
      itemStart[item] = size;
    }

    private void ensure(int capacity) {
      if (capacity > values.length) {
        int c = Math.max(capacity, values.length * 2);
        values = Arrays.copyOf(values, c);
        multiplicity = Arrays.copyOf(multiplicity, c);
      }
    }

    ItemCorpus.Column build(int items) {
      int cardinality = ids.size();
      int[] valueStart = new int[cardinality + 1];
      for (int p = 0; p < size; p++) {
        valueStart[values[p] + 1]++;
      }
      for (int v = 0; v < cardinality; v++) {
        valueStart[v + 1] += valueStart[v];
      }
      int[] fill = Arrays.copyOf(valueStart, cardinality);
      int[] postings = new int[size];
      int[] postingMultiplicity = new int[size];
      for (int d = 0; d < items; d++) {
        for (int p = itemStart[d]; p < itemStart[d + 1]; p++) {
          int slot = fill[values[p]]++;
          postings[slot] = d;
          postingMultiplicity[slot] = multiplicity[p];
        }
      }
      return new ItemCorpus.Column(cardinality, Arrays.copyOf(itemStart, items + 1), Arrays.copyOf(values, size),
          Arrays.copyOf(multiplicity, size), valueStart, postings, postingMultiplicity);
    }
  }
}
