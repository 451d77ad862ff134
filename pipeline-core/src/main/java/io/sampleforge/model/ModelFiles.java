package io.sampleforge.model;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * Turns a model or tokenizer location named in a job config into a readable local file, on the
 * driver (validation) and on every executor (loading). {@link PlainPaths} reads local paths as
 * they are; the Spark layer supplies one that fetches Hadoop file system URIs (hdfs://, s3a://,
 * abfs://, file://...) into an executor-local cache. Implementations are serializable classes
 * (broadcast inside model specs). Cost: implementation-defined, at most one copy per JVM and file.
 */
public interface ModelFiles extends Serializable {
  /** A local file holding {@code location}; errors are config errors naming {@code parameter}. */
  Path local(String parameter, String location);

  /** {@code dir} joined with a file name, in the location's own syntax. */
  static String join(String dir, String name) {
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }
}
