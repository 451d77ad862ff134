package io.sampleforge.notebook;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import jdk.jshell.execution.DirectExecutionControl;

/**
 * JShell execution in the evaluating JVM itself (like JShell's "local" engine, on the caller's
 * thread) that keeps the value of each evaluated snippet as an object, not only as the string JShell
 * reports: JShell's value string becomes a key that {@link #take(String)} turns back into the object,
 * so a cell that ends in a chart yields the image itself. The same idea as IJava's and JJava's
 * kernels (written here from JShell's SPI documentation). Cost: one map entry per snippet until taken.
 */
final class RetainingExecutionControl extends DirectExecutionControl {
  private static final String KEY_PREFIX = "sampleforge-value-";
  private final Map<String, Object> values = new HashMap<>();
  private long next;

  @Override
  protected String invoke(Method doitMethod) throws Exception {
    Object value = doitMethod.invoke(null);
    String key = KEY_PREFIX + next++;
    values.put(key, value);
    return key;
  }

  /** The object behind a value key (null for a snippet without a value); forgets every kept value. */
  Object take(String key) {
    Object value = key == null ? null : values.get(key);
    values.clear();
    return value;
  }
}
