package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/** Parses a config name into one constant of a closed choice; the error names the key and lists the choices. */
final class ConfigNames {
  private ConfigNames() {}

  static <E extends Enum<E>> E parse(String key, String value, E[] choices, Function<E, String> id) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    for (E e : choices) {
      if (id.apply(e).toLowerCase(Locale.ROOT).equals(v)) {
        return e;
      }
    }
    throw ConfigException.of(key, "must be one of " + Arrays.stream(choices).map(id).toList(), value);
  }

  static void requireFinite(String key, double value) {
    if (!Double.isFinite(value)) {
      throw ConfigException.of(key, "must be finite", value);
    }
  }
}
