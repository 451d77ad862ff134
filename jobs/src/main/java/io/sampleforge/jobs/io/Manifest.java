package io.sampleforge.jobs.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code _manifest.json} written beside a job's data: job, resolved config, seed, paths, counts,
 * versions, Spark settings ({@link SparkSettings}), warnings and wall time per phase. Keys keep
 * insertion order. Every string in it is written with URI user-info redacted ({@link Redaction#uris}),
 * so a credential in a path ({@code s3a://key:secret@bucket/x}) never reaches the file.
 */
public final class Manifest {
  public static final String FILE = "_manifest.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final Map<String, Object> fields = new LinkedHashMap<>();

  public Manifest put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  public Map<String, Object> fields() {
    return fields;
  }

  /**
   * Writes the manifest into {@code out}'s staging folder (so it is committed with the data), with
   * the run ({@code run}: run id, Spark application id, start and end times, UTC) and what the
   * output holds ({@code output_tables}: files, bytes and Parquet rows per table, {@link OutputTables}).
   */
  public void write(AtomicOutput out) {
    RunRecord r = out.run();
    Map<String, Object> run = new java.util.LinkedHashMap<>();
    run.put("run_id", r.runId());
    run.put("application_id", r.applicationId());
    run.put("started_at", r.startedAt() == null ? null : r.startedAt().toString());
    run.put("finished_at", java.time.Instant.now().toString());
    fields.put("run", run);
    fields.put("output_tables", OutputTables.of(out.fileSystem(), out.staging()));
    write(out.fileSystem(), out.staging());
  }

  public void write(FileSystem fs, String directory) {
    try (OutputStream out = fs.create(new Path(directory, FILE), true)) {
      JSON.writeValue(out, redacted(JSON.valueToTree(fields)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code node} with {@link Redaction#uris} applied to every string value and object key. */
  static JsonNode redacted(JsonNode node) {
    if (node.isTextual()) {
      return TextNode.valueOf(Redaction.uris(node.textValue()));
    }
    if (node.isArray()) {
      ArrayNode a = JSON.createArrayNode();
      node.forEach(e -> a.add(redacted(e)));
      return a;
    }
    if (node.isObject()) {
      ObjectNode o = JSON.createObjectNode();
      node.fields().forEachRemaining(e -> o.set(Redaction.uris(e.getKey()), redacted(e.getValue())));
      return o;
    }
    return node;
  }

  /** Project, Spark, DJL and Java versions. */
  public static Map<String, String> versions(String sparkVersion) {
    Map<String, String> v = new LinkedHashMap<>();
    Package p = Manifest.class.getPackage();
    v.put("sampleforge", p != null && p.getImplementationVersion() != null ? p.getImplementationVersion() : "0.1.0-SNAPSHOT");
    v.put("spark", sparkVersion);
    Package djl = ai.djl.ndarray.NDArray.class.getPackage();
    v.put("djl", djl != null && djl.getImplementationVersion() != null ? djl.getImplementationVersion() : "0.36.0");
    v.put("java", System.getProperty("java.version"));
    return v;
  }
}
