package io.sampleforge.jobs.config;

import io.sampleforge.errors.ConfigException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the config key where a value was read into a value type's error: an enum such as
 * {@link TableFormat} names a generic parameter ("format") because it serves several keys
 * ({@code format}, {@code input_format}); the loader knows the real key. Cost: O(message).
 */
final class KeyedMessages {
  private static final Pattern PARAMETER = Pattern.compile("^parameter '([^']*)'");

  private KeyedMessages() {}

  /** {@code error} naming {@code key}, unless it already names that key or one inside or around it. */
  static ConfigException atKey(String key, ConfigException error) {
    String message = error.getMessage();
    Matcher m = PARAMETER.matcher(message);
    if (m.find()) {
      String named = m.group(1);
      if (named.equals(key) || named.startsWith(key + ".") || key.startsWith(named + ".")) {
        return error;
      }
      return new ConfigException("parameter '" + key + "'" + message.substring(m.end()));
    }
    return new ConfigException("parameter '" + key + "': " + message);
  }
}
