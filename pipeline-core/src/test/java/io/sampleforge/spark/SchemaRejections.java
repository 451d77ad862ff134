package io.sampleforge.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sampleforge.errors.InputDataException;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.statistics.Statistics;

/**
 * The assertion of the schema properties: a check passes, or fails with an InputDataException
 * whose message names ("column 'c'") a column that the settings mention; nothing else is thrown.
 */
public final class SchemaRejections {
  private static final Pattern COLUMN = Pattern.compile("^column '(.*?)' ");

  private SchemaRejections() {}

  public static void passesOrNamesColumn(Runnable check, Collection<String> mentioned) {
    try {
      check.run();
      Statistics.label("outcome").collect("accepted");
    } catch (InputDataException e) {
      Statistics.label("outcome").collect("rejected");
      Matcher m = COLUMN.matcher(e.getMessage());
      assertTrue(m.find() && mentioned.contains(m.group(1)),
          "the message names no column of the settings " + mentioned + ": " + e.getMessage());
    } catch (RuntimeException e) {
      fail("the schema check threw " + e.getClass().getName() + " instead of an InputDataException: "
          + e.getMessage(), e);
    }
  }
}
