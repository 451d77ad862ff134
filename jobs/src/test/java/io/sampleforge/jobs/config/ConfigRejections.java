package io.sampleforge.jobs.config;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sampleforge.errors.SampleforgeException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.statistics.Statistics;

/**
 * The assertion of the config properties: binding succeeds, or fails with a Sampleforge exception
 * whose message names ("parameter 'key'", keys joined by '/') one of the touched keys, a dotted
 * prefix of one (the map it sits in) or a key below one (inside a value given as a map).
 */
final class ConfigRejections {
  private static final Pattern PARAMETER = Pattern.compile("parameter '([^']*)'");

  private ConfigRejections() {}

  static void bindOrNameKey(ObjectNode tree, Class<?> type, List<String> touched) {
    try {
      ConfigLoader.bind(tree, type);
      Statistics.label("outcome").collect("bound");
    } catch (SampleforgeException e) {
      Statistics.label("outcome").collect("rejected");
      List<String> named = named(e.getMessage());
      assertTrue(named.stream().anyMatch(n -> touched.stream().anyMatch(t -> related(n, t))),
          "the message names none of the keys " + touched + ": " + e.getMessage());
    } catch (RuntimeException e) {
      fail("binding threw " + e.getClass().getName() + " instead of a ConfigException: " + e.getMessage(), e);
    }
  }

  /** The parameters a message names. */
  static List<String> named(String message) {
    List<String> out = new ArrayList<>();
    Matcher m = PARAMETER.matcher(message);
    while (m.find()) {
      for (String p : m.group(1).split("/")) {
        out.add(p);
      }
    }
    return out;
  }

  private static boolean related(String named, String touched) {
    return named.equals(touched) || touched.startsWith(named + ".") || named.startsWith(touched + ".");
  }
}
