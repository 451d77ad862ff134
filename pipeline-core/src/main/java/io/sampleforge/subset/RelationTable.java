package io.sampleforge.subset;

import io.sampleforge.random.RandomPurpose;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.random.KeyedStream;
import java.io.Serializable;
import java.util.List;

/**
 * A deterministic, skewed relation table for GME demos and benchmarks (a generated "catalogue"):
 * item i (id {@code item-<i>} zero-padded) has 1 + U{0..2*mean-2} relations; in column j each
 * relation's value is {@code floor(V_j * u^skew)} for a keyed uniform u, so low value ids are
 * frequent and high ones rare (skew 3: the most frequent of 10,000 values covers about 2% of the
 * relations). Row content depends only on (spec, item index). Cost: O(relations) per item.
 */
public record RelationTable(long items, int meanRelations, List<String> columns, List<Integer> vocabulary,
    double skew, long seed) implements Serializable {

  public RelationTable {
    if (items < 1) {
      throw ConfigException.of("items", "must be at least 1", items);
    }
    if (meanRelations < 1) {
      throw ConfigException.of("relations_per_item", "must be at least 1", meanRelations);
    }
    columns = List.copyOf(columns);
    vocabulary = List.copyOf(vocabulary);
    if (columns.isEmpty() || columns.size() != vocabulary.size()) {
      throw ConfigException.of("vocabulary/columns", "must have one vocabulary size per column, at least one column",
          "vocabulary " + vocabulary + ", columns " + columns);
    }
    for (int v : vocabulary) {
      if (v < 1) {
        throw ConfigException.of("vocabulary", "must hold positive sizes", vocabulary);
      }
    }
    if (!(skew >= 1)) {
      throw ConfigException.of("skew", "must be at least 1 (1 = uniform values)", skew);
    }
  }

  /** The item id of index i, zero-padded so that string order equals index order. */
  public String itemId(long i) {
    return String.format("item-%0" + Long.toString(items - 1).length() + "d", i);
  }

  /** Relations of item i. */
  public int relations(long i) {
    return 1 + KeyedStream.of(seed, RandomPurpose.RELATION_COUNT, i).nextIndex(0, 2 * meanRelations - 1);
  }

  /** Value of column j in relation r of item i. */
  public String value(long i, int r, int j) {
    double u = KeyedStream.of(seed, RandomPurpose.RELATION_VALUE, i).uniform((long) r * columns.size() + j);
    int v = (int) Math.min(vocabulary.get(j) - 1, Math.floor(vocabulary.get(j) * Math.pow(u, skew)));
    return columns.get(j) + "-" + v;
  }
}
