package io.sampleforge.subset;

import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/**
 * What to do when a stratum (or the whole input) has fewer items than the requested subset size:
 * {@link #CAP} selects every item and records a warning in the manifest (the reference caps with a
 * log warning); {@link #FAIL} stops with a bad-input error (exit 3) naming the stratum and counts.
 */
public enum WhenShort {
  CAP("cap"),
  FAIL("fail");

  private final String id;

  WhenShort(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static WhenShort parse(String s) {
    if (s == null) {
      return CAP;
    }
    for (WhenShort w : values()) {
      if (w.id.equals(s.trim().toLowerCase(Locale.ROOT))) {
        return w;
      }
    }
    throw ConfigException.of("when_short", "must be cap or fail", "'" + s + "'");
  }
}
