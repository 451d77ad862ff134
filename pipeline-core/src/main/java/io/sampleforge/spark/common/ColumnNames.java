package io.sampleforge.spark.common;

/** Column-name helpers shared by every family's stages. */
public final class ColumnNames {
  private ColumnNames() {}

  /** {@code name} as a Spark SQL identifier: back-quoted, inner back-quotes doubled. */
  public static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
