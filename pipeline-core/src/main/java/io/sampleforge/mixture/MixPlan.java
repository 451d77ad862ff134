package io.sampleforge.mixture;

import java.util.List;

/**
 * The realised counts of one mixture round, decided on the driver: the total and, per source (sorted
 * by name), its available rows, normalised weight, ideal share (total * weight), the exact count c
 * drawn, and whether it is drawn with repeats (c &gt; available under with-replacement).
 */
public record MixPlan(long total, ExhaustionPolicy exhausted, List<Source> sources) {

  /** One source's line of the plan. */
  public record Source(String source, long available, double weight, double share, long count, boolean repeated) {}

  public MixPlan {
    sources = List.copyOf(sources);
  }

  /** The count of {@code source}, 0 when it is not in the plan. */
  public long count(String source) {
    return sources.stream().filter(s -> s.source().equals(source)).mapToLong(Source::count).findFirst().orElse(0);
  }
}
