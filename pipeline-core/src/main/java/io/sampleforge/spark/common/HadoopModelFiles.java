package io.sampleforge.spark.common;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.model.ModelFiles;
import io.sampleforge.random.Hash64;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * Model and tokenizer locations given as Hadoop file system URIs (hdfs://, s3a://, abfs://, gs://,
 * file://: whatever the cluster's Hadoop configuration can open) are copied once per JVM into a
 * local cache folder ({@code java.io.tmpdir}/sampleforge-model-files/, one subfolder per URI,
 * length and modification time, written atomically), on the driver when the job validates the
 * model and on each executor when a task opens it; plain paths are read as they are. The driver's
 * Hadoop configuration (including {@code spark.hadoop.*} settings) travels with this object.
 * Cost: one copy of each file per JVM; later opens cost one status call.
 */
public final class HadoopModelFiles implements ModelFiles {
  private static final long serialVersionUID = 1L;
  private static final Pattern URI_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*");
  private static final Object LOCK = new Object();
  private final HashMap<String, String> conf;

  private HadoopModelFiles(HashMap<String, String> conf) {
    this.conf = conf;
  }

  /** Captures a Hadoop configuration (the session's {@code sparkContext().hadoopConfiguration()}). */
  public static HadoopModelFiles of(Configuration hadoopConf) {
    HashMap<String, String> entries = new HashMap<>();
    for (Map.Entry<String, String> e : hadoopConf) {
      entries.put(e.getKey(), e.getValue());
    }
    return new HadoopModelFiles(entries);
  }

  @Override
  public Path local(String parameter, String location) {
    if (!URI_SCHEME.matcher(location).matches()) {
      return Path.of(location);
    }
    org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(location);
    try {
      Configuration c = new Configuration(false);
      conf.forEach(c::set);
      FileSystem fs = source.getFileSystem(c);
      FileStatus status = fs.getFileStatus(source);
      if (!status.isFile()) {
        throw ConfigException.of(parameter, "must name a file", "'" + location + "'");
      }
      long h = Hash64.mix(status.getLen());
      h = Hash64.combine(h, status.getModificationTime());
      for (byte b : location.getBytes(StandardCharsets.UTF_8)) {
        h = Hash64.combine(h, b);
      }
      Path dir = Path.of(System.getProperty("java.io.tmpdir"), "sampleforge-model-files", Long.toHexString(h));
      Path target = dir.resolve(source.getName());
      synchronized (LOCK) {
        if (!Files.isRegularFile(target) || Files.size(target) != status.getLen()) {
          Files.createDirectories(dir);
          Path part = Files.createTempFile(dir, source.getName(), ".part");
          Files.delete(part); // Hadoop's copy refuses an existing target; the unique name is what counts
          fs.copyToLocalFile(false, source, new org.apache.hadoop.fs.Path(part.toUri()), true);
          Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      return target;
    } catch (IOException | IllegalArgumentException e) {
      throw ConfigException.of(parameter, "must be readable through the Hadoop file system (" + e.getMessage() + ")",
          "'" + location + "'");
    }
  }
}
