package io.sampleforge.jobs.run;

import io.sampleforge.errors.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * Finds the job's {@code -c/--config} file where {@code spark-submit --files} put it, following
 * Spark's documented placement of shipped files ("Advanced Dependency Management" in Spark's
 * submitting-applications guide; {@link SparkFiles}):
 * <ol>
 *   <li>the path as given, relative to the working directory: in YARN and Kubernetes cluster mode
 *       the driver's working directory holds every shipped file under its base name;</li>
 *   <li>for a bare file name, {@link SparkFiles#get}: SparkContext fetches every {@code spark.files}
 *       entry into the driver's SparkFiles folder when it starts. Looked up when a SparkContext is
 *       running, or when {@code spark.files} lists a file of that name, in which case the job's
 *       session starts here (standalone cluster mode, a client-mode submission that shipped it).</li>
 * </ol>
 * Otherwise a {@link ConfigException} (exit 2) naming the path and every place looked in. Cost: a
 * few file-system checks; in the second case the SparkSession start the job makes anyway, before
 * its output preflight instead of after it.
 */
public final class ShippedConfig {
  private ShippedConfig() {}

  /** The readable config file {@code given} names (null stays null), or a ConfigException. */
  public static Path resolve(Path given, String appName) {
    if (given == null || Files.isRegularFile(given)) {
      return given;
    }
    List<String> looked = new ArrayList<>();
    looked.add(given.toAbsolutePath().normalize().toString());
    if (isBareName(given)) {
      String name = given.toString();
      if (SparkEnv.get() != null || listedInSparkFiles(name)) {
        JobSession.getOrCreate(appName);
        Path shipped = Path.of(SparkFiles.get(name));
        if (Files.isRegularFile(shipped)) {
          return shipped;
        }
        looked.add(shipped + " (SparkFiles)");
      } else {
        looked.add("spark.files (ships no file of that name)");
      }
    }
    throw new ConfigException("parameter '--config' must be a readable YAML file; got " + given + " (looked for "
        + String.join(", ", looked) + ")");
  }

  /** A single relative name with no folder: what a cluster-mode submission passes. */
  static boolean isBareName(Path p) {
    String s = p.toString();
    return !p.isAbsolute() && p.getNameCount() == 1 && !s.isEmpty() && !s.equals(".") && !s.equals("..");
  }

  /** Whether spark.files (set by spark-submit --files) lists a file whose base name is {@code name}. */
  static boolean listedInSparkFiles(String name) {
    for (String entry : new SparkConf().get("spark.files", "").split(",")) {
      String uri = entry.strip();
      int hash = uri.indexOf('#');
      String path = hash < 0 ? uri : uri.substring(0, hash);
      String alias = hash < 0 ? null : uri.substring(hash + 1);
      if (!path.isEmpty() && (path.substring(path.lastIndexOf('/') + 1).equals(name) || name.equals(alias))) {
        return true;
      }
    }
    return false;
  }
}
