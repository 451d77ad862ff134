package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.spark.SparkTestSession;
import io.sampleforge.spark.common.TaskDevices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.launcher.JavaModuleOptions;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPU executors without a GPU: a real local-cluster (master, worker, one executor JVM) whose worker
 * announces GPU addresses "0" and "1" through a fake discovery script
 * (src/test/resources/gpu/fake_gpus.sh), executors with 2 GPUs and tasks with 1. Tasks receive an
 * address, {@link TaskDevices#requested()} asks for gpu(that address), and since the PyTorch
 * engine here is the CPU build, {@link TaskDevices#current()} answers the CPU: the generate job with
 * a TorchScript model writes exactly what a CPU run writes, the executor JVM survives (no native
 * crash), and its log holds exactly one fallback warning.
 */
class GpuExecutorFallbackTest {
  @TempDir
  Path dir;

  private static final Path FAKE_DISCOVERY = Path.of("src/test/resources/gpu/fake_gpus.sh").toAbsolutePath();
  private static final Path TOY_GPT = Path.of("../pipeline-core/src/test/resources/model/toy_gpt").toAbsolutePath().normalize();

  /** What one task saw: executor, its GPU addresses, the requested and the chosen device, this JVM's fallbacks. */
  record Seen(String executor, List<String> addresses, String requested, String current, int warnings, long fallbacks) {
    /** Read back from the line a task returned (plain strings travel through any serializer). */
    static Seen parse(String line) {
      String[] f = line.split("\\|", -1);
      return new Seen(f[0], f[1].isEmpty() ? List.of() : List.of(f[1].split(",")), f[2], f[3], Integer.parseInt(f[4]),
          Long.parseLong(f[5]));
    }
  }

  private static List<Seen> probe(SparkSession spark, int tasks) {
    return new JavaSparkContext(spark.sparkContext()).parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
        .mapPartitions(ignored -> {
          ResourceInformation gpu = TaskContext.get().resourcesJMap().get("gpu");
          List<String> addresses = gpu == null ? List.of() : List.of(gpu.addresses());
          String requested = TaskDevices.requested().toString();
          String current = TaskDevices.current().toString();
          TaskDevices.Fallbacks f = TaskDevices.fallbacks();
          return List.of(String.join("|", SparkEnv.get().executorId(), String.join(",", addresses), requested, current,
              Integer.toString(f.warnings()), Long.toString(f.cpuFallbacks()))).iterator();
        }).collect().stream().map(Seen::parse).toList();
  }

  private static String[] generate(String prompts, String out) {
    return new String[] {"generate", "--input", prompts, "--output", out, "--set", "samples_per_prompt=2",
        "--set", "model.type=torchscript", "--set", "model.path=" + TOY_GPT.resolve("model_cached.pt"),
        "--set", "model.tokenizer=" + TOY_GPT.resolve("tokenizer.json"), "--set", "model.vocab_size=44",
        "--set", "model.bos_id=1", "--set", "model.eos_ids=[2]", "--set", "model.cached=true", "--set", "model.layers=2",
        "--set", "model.heads=4", "--set", "model.head_dim=16", "--set", "batch_size=16", "--set", "max_new_tokens=12"};
  }

  private static List<Row> rows(SparkSession spark, String path) {
    return spark.read().parquet(path).orderBy("id", "sample_index").collectAsList();
  }

  /**
   * Every column equal, except the log-probability, equal to float32 rounding: libtorch's float32
   * reductions depend on its intra-op thread count, which differs between the test JVM and the
   * executor (GenerateJobTest compares completions, not log-probabilities, for the same reason).
   */
  private static void assertSameRows(List<Row> expected, List<Row> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      Row e = expected.get(i);
      Row a = actual.get(i);
      for (int c = 0; c < e.length(); c++) {
        String column = e.schema().fieldNames()[c];
        if (column.equals("logprob_sum")) {
          assertEquals(e.getDouble(c), a.getDouble(c), 1e-6 * Math.abs(e.getDouble(c)), "row " + i + ": " + e + " vs " + a);
        } else {
          assertEquals(e.get(c), a.get(c), "row " + i + " column " + column + ": " + e + " vs " + a);
        }
      }
    }
  }

  @Test
  void gpuTasksFallBackToCpuWithOneWarning() throws Exception {
    assertTrue(Files.isExecutable(FAKE_DISCOVERY), FAKE_DISCOVERY + " must be executable (git mode 100755)");
    String[] starts = {"the", "some dogs", "a big cat", "every teacher", "many children", "the small bird"};
    StringBuilder csv = new StringBuilder("id,prompt\n");
    for (int i = 0; i < 12; i++) {
      csv.append(i).append(',').append(starts[i % starts.length]).append('\n');
    }
    Path prompts = dir.resolve("prompts.csv");
    Files.writeString(prompts, csv.toString());
    String cpuOut = dir.resolve("cpu").toString();
    // the CPU reference: the same job in local mode (its own local[*] session, stopped before the cluster starts)
    try {
      assertEquals(0, SampleforgeMain.execute(generate(prompts.toString(), cpuOut)));
    } finally {
      SparkTestSession.stop(SparkSession.getDefaultSession().isDefined() ? SparkSession.getDefaultSession().get() : null);
    }

    String sparkHome = System.getenv("SPARK_HOME");
    assertTrue(sparkHome != null, "surefire sets SPARK_HOME to a folder with an empty jars/");
    Files.createDirectories(Path.of(sparkHome, "jars"));
    String executorOptions = JavaModuleOptions.defaultModuleOptions()
        + " -Dai.djl.offline=true -DdisableProgressBar=true -Dlog4j2.configurationFile=log4j2.properties";
    SparkSession cluster = SparkSession.builder()
        .master("local-cluster[1,1,1024]")
        .appName("sampleforge-gpu-fallback-test")
        .config("spark.ui.enabled", "false")
        .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .config("spark.executor.extraJavaOptions", executorOptions)
        .config("spark.executorEnv.DJL_CACHE_DIR", System.getProperty("user.home") + "/.djl.ai")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.sql.shuffle.partitions", "3")
        // the worker owns the GPUs (standalone scheduling) and hands them to its executors
        .config("spark.worker.resource.gpu.amount", "2")
        .config("spark.worker.resource.gpu.discoveryScript", FAKE_DISCOVERY.toString())
        .config("spark.executor.resource.gpu.amount", "2")
        .config("spark.executor.resource.gpu.discoveryScript", FAKE_DISCOVERY.toString())
        .config("spark.task.resource.gpu.amount", "1")
        .getOrCreate();
    String appId = cluster.sparkContext().applicationId();
    List<Seen> before;
    List<Seen> after;
    List<Row> onCluster;
    List<Row> onCpu;
    try {
      before = probe(cluster, 4);
      String clusterOut = dir.resolve("cluster").toString();
      assertEquals(0, SampleforgeMain.execute(generate(prompts.toString(), clusterOut)), "generate on GPU-scheduled tasks");
      onCluster = rows(cluster, clusterOut);
      onCpu = rows(cluster, cpuOut);
      after = probe(cluster, 2);
    } finally {
      SparkTestSession.stop(cluster);
    }

    for (Seen s : before) {
      assertEquals(1, s.addresses().size(), "one GPU address per task (task amount 1): " + s);
      assertTrue(Set.of("0", "1").contains(s.addresses().get(0)), "an address the discovery script announced: " + s);
      assertEquals("gpu(" + s.addresses().get(0) + ")", s.requested(), "the kernels ask for the task's GPU");
      assertEquals("cpu()", s.current(), "the CPU build of libtorch cannot run it: CPU");
    }
    assertEquals(1, before.stream().mapToInt(Seen::warnings).max().getAsInt(), "one warning in the executor JVM");
    assertEquals(4, before.stream().mapToLong(Seen::fallbacks).max().getAsLong(), "each probe task's GPU request counted");
    // generate on fallen-back GPU tasks writes the CPU run's rows
    assertEquals(24, onCpu.size());
    assertSameRows(onCpu, onCluster);
    assertEquals(1, after.stream().mapToInt(Seen::warnings).max().getAsInt(), "still one warning after the generate job");
    long generationRequests = after.stream().mapToLong(Seen::fallbacks).max().getAsLong() - 4 - 2;
    assertTrue(generationRequests >= 1, "the generate job's tasks asked for their GPU and got the CPU: " + after);
    assertEquals(1, Stream.concat(before.stream(), after.stream()).map(Seen::executor).distinct().count(),
        "one executor JVM served every task: it never died and was never replaced");

    List<String> warnings = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of(sparkHome, "work", appId))) {
      for (Path log : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
        warnings.addAll(linesWith(log, TaskDevices.FALLBACK_WARNING));
        assertTrue(linesWith(log, "SIGSEGV").isEmpty() && linesWith(log, "hs_err").isEmpty(), "no native crash in " + log);
      }
    }
    assertEquals(1, warnings.size(), "exactly one fallback warning in the executor's log: " + warnings);
    assertTrue(warnings.get(0).contains("CPU-only build"), warnings.get(0));
    assertFalse(warnings.get(0).contains("null"), warnings.get(0));
  }

  private static List<String> linesWith(Path file, String text) throws IOException {
    return Files.readAllLines(file, java.nio.charset.StandardCharsets.ISO_8859_1).stream().filter(l -> l.contains(text)).toList();
  }
}
