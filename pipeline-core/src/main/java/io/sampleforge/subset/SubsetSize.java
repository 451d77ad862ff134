package io.sampleforge.subset;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.Locale;

/**
 * The requested number of picks N: a count, a fraction of the items (ceil(fraction x items), at
 * least one), or {@code all} (rank every item; the reference's documented {@code -N=-1} returns an
 * empty sample instead).
 */
public sealed interface SubsetSize extends Serializable {

  /** The requested picks for a stratum of {@code items} items (may exceed it; see {@link WhenShort}). */
  long requested(long items);

  /** Config form. */
  String text();

  /** Exactly {@code n} picks. */
  record Count(long n) implements SubsetSize {
    public Count {
      if (n < 1) {
        throw ConfigException.of("n", "must be a positive count, a fraction in (0, 1] or 'all'", n);
      }
    }

    @Override
    public long requested(long items) {
      return n;
    }

    @Override
    public String text() {
      return Long.toString(n);
    }
  }

  /** ceil(fraction x items) picks, at least one. */
  record Fraction(double fraction) implements SubsetSize {
    public Fraction {
      if (!(fraction > 0 && fraction <= 1)) {
        throw ConfigException.of("n", "must be a positive count, a fraction in (0, 1] or 'all'", fraction);
      }
    }

    @Override
    public long requested(long items) {
      return items == 0 ? 0 : Math.max(1, (long) Math.ceil(fraction * items));
    }

    @Override
    public String text() {
      return Double.toString(fraction);
    }
  }

  /** Every item, ranked. */
  record All() implements SubsetSize {
    @Override
    public long requested(long items) {
      return items;
    }

    @Override
    public String text() {
      return "all";
    }
  }

  /** Parses "all", an integer count, or a fraction written with a decimal point ("0.1"). */
  static SubsetSize parse(String s) {
    if (s == null || s.isBlank()) {
      throw ConfigException.of("n", "must be set: a positive count, a fraction in (0, 1] or 'all'", "'" + s + "'");
    }
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.equals("all")) {
      return new All();
    }
    try {
      if (t.contains(".") || t.contains("e")) {
        return new Fraction(Double.parseDouble(t));
      }
      return new Count(Long.parseLong(t));
    } catch (NumberFormatException e) {
      throw ConfigException.of("n", "must be a positive count, a fraction in (0, 1] or 'all'", "'" + s + "'");
    }
  }
}
