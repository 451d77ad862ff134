package io.sampleforge.jobs.io;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.ConfigRedactor;
import org.apache.hadoop.conf.Configuration;

/**
 * Redaction of secrets in settings and paths, by the conventions of the systems that own them.
 *
 * <p>Settings follow Spark's rule ({@code org.apache.spark.util.Utils.redact(SparkConf, Seq)}, which
 * is {@code private[spark]}): when the {@code spark.redaction.regex} pattern (default
 * {@value #DEFAULT_REGEX}) is found in the key <em>or</em> in the value, the value is replaced by
 * {@value #REPLACEMENT}. For {@code spark.hadoop.*} keys Hadoop's own rule is applied as well
 * ({@link ConfigRedactor}: the {@code hadoop.security.sensitive-config-keys} patterns, which name
 * keys such as {@code fs.azure.account.key.*} that Spark's default pattern misses).
 *
 * <p>Paths: the user-info part of a URI ({@code scheme://user:secret@host/...}, RFC 3986 section
 * 3.2.1, where a user-info password is deprecated for exactly this reason) is replaced by
 * {@value #REPLACEMENT}. The authority ends at the first {@code /}, {@code ?} or {@code #}, as in
 * {@link java.net.URI}.
 */
public final class Redaction {
  /** Spark's replacement text ({@code Utils.REDACTION_REPLACEMENT_TEXT}). */
  public static final String REPLACEMENT = "*********(redacted)";
  /** The Spark setting that holds the pattern ({@code spark.redaction.regex}). */
  public static final String REGEX_KEY = "spark.redaction.regex";
  /** Spark 4.2's default of {@code spark.redaction.regex}. */
  public static final String DEFAULT_REGEX = "(?i)secret|password|token|access[.]?key";
  private static final String HADOOP_PREFIX = "spark.hadoop.";
  private static final Pattern USER_INFO = Pattern.compile("\\b([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@\\s\"']+)@");

  private final Pattern pattern;
  private final ConfigRedactor hadoop;

  /**
   * @param regex the {@code spark.redaction.regex} value in effect
   * @param hadoopConf the configuration whose {@code hadoop.security.sensitive-config-keys} applies
   */
  public Redaction(String regex, Configuration hadoopConf) {
    this.pattern = Pattern.compile(regex == null ? DEFAULT_REGEX : regex);
    this.hadoop = new ConfigRedactor(hadoopConf);
  }

  /** The value to show for setting {@code key}: {@code value} itself, or {@value #REPLACEMENT}. */
  public String value(String key, String value) {
    if (pattern.matcher(key).find() || (value != null && pattern.matcher(value).find())) {
      return REPLACEMENT;
    }
    if (key.startsWith(HADOOP_PREFIX)) {
      String hadoopKey = key.substring(HADOOP_PREFIX.length());
      if (!Objects.equals(hadoop.redact(hadoopKey, value), value)) {
        return REPLACEMENT;
      }
    }
    return uris(value);
  }

  /** {@code text} with the user-info of every URI in it replaced by {@value #REPLACEMENT}; null stays null. */
  public static String uris(String text) {
    if (text == null || text.indexOf('@') < 0) {
      return text;
    }
    Matcher m = USER_INFO.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + REPLACEMENT + "@"));
    }
    m.appendTail(out);
    return out.toString();
  }
}
