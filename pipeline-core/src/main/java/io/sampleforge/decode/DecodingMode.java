package io.sampleforge.decode;

import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/** How the next token is chosen: {@link #SAMPLE} draws from the warped distribution; {@link #GREEDY} takes the argmax (warpers skipped, as Hugging Face does with do_sample=False). */
public enum DecodingMode {
  SAMPLE, GREEDY;

  public static DecodingMode parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw ConfigException.of("decoding", "must be sample or greedy", "'" + s + "'");
    }
  }
}
