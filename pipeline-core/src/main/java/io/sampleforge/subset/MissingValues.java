package io.sampleforge.subset;

import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/**
 * What a null (or empty) attribute value means to the GME sampler. {@link #VALUE} is the
 * reference's behaviour (it reads with nulls filled by empty strings, so the empty string is one
 * more value of the column: it enters |V_j| and the entropies); {@link #IGNORE} leaves nulls and
 * empty strings out of the counts and out of |V_j|.
 */
public enum MissingValues {
  VALUE("value"),
  IGNORE("ignore");

  private final String id;

  MissingValues(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static MissingValues parse(String s) {
    if (s == null) {
      return VALUE;
    }
    for (MissingValues m : values()) {
      if (m.id.equals(s.trim().toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw ConfigException.of("missing", "must be value or ignore", "'" + s + "'");
  }
}
