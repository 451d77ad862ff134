package io.sampleforge.spark.common;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;
import java.util.Arrays;
import scala.runtime.AbstractFunction1;

/**
 * A Spark ML Param validator ({@code isValid} of a {@code Param}) that names what it checks: where
 * Spark's own validators ({@code ParamValidators}) answer false and Spark reports only "given
 * invalid value", this one throws a {@link ConfigException} naming the param, the rule and the
 * value, at {@code set} time and when a saved stage is loaded. Either wraps one of Spark's
 * {@code ParamValidators} with the rule's text, or runs a kernel's parser (the one home of that
 * rule) and restates its message under the param's name ({@link #restate}). Cost: the check itself.
 *
 * @param <T> the param's value type
 */
public final class ParamRule<T> extends AbstractFunction1<T, Object> implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A serializable check that either accepts the value or throws. */
  @FunctionalInterface
  public interface Check<T> extends Serializable {
    boolean test(T value);
  }

  private final String param;
  private final String rule;
  private final Check<T> check;

  private ParamRule(String param, String rule, Check<T> check) {
    this.param = param;
    this.rule = rule;
    this.check = check;
  }

  /** Spark's validator (e.g. {@code ParamValidators.gtEq(0)}) with the rule it stands for. */
  public static <T> ParamRule<T> spark(String param, String rule, scala.Function1<T, Object> validator) {
    return new ParamRule<>(param, rule, v -> (Boolean) validator.apply(v));
  }

  /** A check of an {@code IntParam}'s value (Spark passes it boxed) with the rule it stands for. */
  public static ParamRule<Object> ofInt(String param, String rule, Check<Integer> check) {
    return new ParamRule<>(param, rule, v -> check.test((Integer) v));
  }

  /** {@link #parsedBy} for an {@code IntParam}. */
  public static ParamRule<Object> parsedInt(String param, Check<Integer> parser) {
    return new ParamRule<>(param, null, v -> parser.test((Integer) v));
  }

  /** {@link #parsedBy} for a {@code DoubleParam}. */
  public static ParamRule<Object> parsedDouble(String param, Check<Double> parser) {
    return new ParamRule<>(param, null, v -> parser.test((Double) v));
  }

  /** A predicate with the rule it stands for. */
  public static <T> ParamRule<T> of(String param, String rule, Check<T> check) {
    return new ParamRule<>(param, rule, check);
  }

  /**
   * A kernel's parser or constructor as the rule: a {@link ConfigException} it throws is restated
   * under the param's name, so the message names the param the user set, the rule (the
   * kernel's, stated once) and the value.
   */
  public static <T> ParamRule<T> parsedBy(String param, Check<T> parser) {
    return new ParamRule<>(param, null, parser);
  }

  @Override
  public Object apply(T value) {
    boolean ok;
    try {
      ok = check.test(value);
    } catch (ConfigException e) {
      throw restate(param, e);
    }
    if (!ok) {
      throw ConfigException.of(param, rule, show(value));
    }
    return Boolean.TRUE;
  }

  /**
   * A kernel's "parameter 'key' rule; got value" restated under the Spark param's name: "parameter
   * 'name' (job key 'key') rule; got value" (other messages get the param's name in front).
   */
  public static ConfigException restate(String param, ConfigException e) {
    String m = e.getMessage();
    if (m != null && m.startsWith("parameter '")) {
      int end = m.indexOf('\'', "parameter '".length());
      String key = m.substring("parameter '".length(), end);
      String rest = m.substring(end + 1);
      return new ConfigException("parameter '" + param + "'" + (key.equals(param) ? "" : " (job key '" + key + "')") + rest);
    }
    return new ConfigException("parameter '" + param + "': " + m);
  }

  /** A value as a message shows it: strings quoted, arrays by content. */
  public static String show(Object value) {
    if (value instanceof String s) {
      return "'" + s + "'";
    }
    if (value instanceof Object[] a) {
      return Arrays.toString(a);
    }
    if (value instanceof int[] a) {
      return Arrays.toString(a);
    }
    return String.valueOf(value);
  }
}
