package io.sampleforge.jobs.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.jobs.Cli;
import io.sampleforge.spark.MlbenchData;
import io.sampleforge.spark.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.launcher.JavaModuleOptions;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on a real multi-JVM Spark cluster (local-cluster: a master, a worker, two executor JVMs),
 * for the smote, gme (distributed scoring) and generate jobs, each compared row for row with a clean
 * run of the same command on the same cluster:
 * <ul>
 *   <li>an executor JVM killed with SIGKILL halfway through the job (by task count of the clean
 *       run): the job finishes (lost tasks and shuffle outputs are recomputed on the replacement
 *       executor) and its output equals the clean run's;</li>
 *   <li>injected task failures ({@link FaultyFileSystem}, input and output on {@code faulty:}: the
 *       first attempt of some read tasks throws, others straggle 1 s, and every third write task
 *       fails after its part file is complete, so a duplicate part file exists until the commit
 *       protocol drops it): identical output, no duplicate and no missing row, and the listener
 *       proves the failures happened. Speculative execution is on for this cluster, but Spark never
 *       launches a speculative copy on the host that runs the original, and every executor of a
 *       local cluster is on one host, so no copy runs here; the retried write attempts stand in for
 *       duplicated attempts.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.Tag("slow")
class ClusterFaultsTest {
  @TempDir
  static Path dir;
  private SparkSession cluster;

  @BeforeAll
  void startCluster() throws Exception {
    SparkSession.getActiveSession().foreach(s -> {
      SparkTestSession.stop(s);
      return null;
    });
    String sparkHome = System.getenv("SPARK_HOME");
    assertTrue(sparkHome != null, "surefire sets SPARK_HOME to a folder with an empty jars/");
    Files.createDirectories(Path.of(sparkHome, "jars"));
    cluster = SparkSession.builder()
        .master("local-cluster[2,1,1024]")
        .appName("sampleforge-fault-test")
        .config("spark.ui.enabled", "false")
        .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .config("spark.executor.extraJavaOptions", JavaModuleOptions.defaultModuleOptions()
            + " -Dai.djl.offline=true -DdisableProgressBar=true -Dlog4j2.configurationFile=log4j2.properties "
            + String.join(" ", DriverProcess.SHORT_LIVED_JVM))
        .config("spark.executorEnv.DJL_CACHE_DIR", System.getProperty("user.home") + "/.djl.ai")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.sql.shuffle.partitions", "6")
        .config("spark.default.parallelism", "4")
        .config("spark.hadoop.fs.faulty.impl", FaultyFileSystem.class.getName())
        .config("spark.hadoop.fs.faulty.impl.disable.cache", "true")
        .config("spark.speculation", "true")
        .config("spark.speculation.interval", "100ms")
        .config("spark.speculation.multiplier", "1.5")
        .config("spark.speculation.quantile", "0.5")
        .config("spark.speculation.minTaskRuntime", "1s")
        .config("spark.task.maxFailures", "4")
        .getOrCreate();
    assertEquals(2, waitForExecutors(2), "two executor JVMs");
  }

  @AfterAll
  void stopCluster() {
    SparkTestSession.stop(cluster);
  }

  private int waitForExecutors(int wanted) throws InterruptedException {
    for (int i = 0; i < 240; i++) {
      int executors = cluster.sparkContext().getExecutorMemoryStatus().size() - 1;
      if (executors >= wanted) {
        return executors;
      }
      Thread.sleep(250);
    }
    return cluster.sparkContext().getExecutorMemoryStatus().size() - 1;
  }

  private List<String> rows(String path) {
    return cluster.read().parquet(path).collectAsList().stream().map(Row::toString).sorted().toList();
  }

  /** The three jobs, each reading {@code input} (a Parquet folder) and writing {@code output}. */
  private String[] job(String name, String input, String output) {
    return switch (name) {
      case "smote" -> new String[] {"smote", "--input", input, "--output", output, "--set", "label=classes",
          "--set", "features=[" + String.join(",", satellite().featureColumns()) + "]", "--set", "id_column=row",
          "--set", "sampling_strategy=0.6", "--set", "block_rows=300", "--seed", "5"};
      case "gme" -> new String[] {"gme", "--input", input, "--output", output, "--set", "item=item",
          "--set", "attributes=[brand,category]", "--set", "n=12", "--set", "scoring=distributed", "--set", "shards=4"};
      case "generate" -> new String[] {"generate", "--input", input, "--output", output, "--set", "samples_per_prompt=3",
          "--set", "max_new_tokens=12", "--set", "model.toy_sentences=2000", "--set", "batch_size=8"};
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static MlbenchData satellite() {
    return MlbenchData.read("Satellite", "classes", "damp grey soil");
  }

  private Map<String, String> inputs() {
    String satellite = dir.resolve("satellite").toString();
    String relations = dir.resolve("relations").toString();
    String prompts = dir.resolve("prompts").toString();
    if (!Files.exists(Path.of(satellite))) {
      satellite().frame(cluster, 4).write().parquet(satellite);
      assertEquals(0, Cli.run("synth-relations", "--output", relations, "--set", "items=2000", "--set",
          "relations_per_item=4", "--set", "vocabulary=[300, 30]", "--set", "partitions=4").code());
      List<Row> p = new ArrayList<>();
      String[] starts = {"the", "some dogs", "a big cat", "every teacher", "many children", "the small bird"};
      for (int i = 0; i < 48; i++) {
        p.add(RowFactory.create((long) i, starts[i % starts.length]));
      }
      cluster.createDataFrame(p, new StructType().add("id", "long").add("prompt", "string")).repartition(4).write()
          .parquet(prompts);
    }
    return Map.of("smote", satellite, "gme", relations, "generate", prompts);
  }

  private final Map<String, TaskCounter> cleanTasks = new java.util.HashMap<>();

  /** The clean run of {@code job} (made once per class), the reference every faulted run must equal. */
  private String clean(String job) {
    String out = dir.resolve(job + "-clean").toString();
    if (!cleanTasks.containsKey(job)) {
      cleanTasks.put(job, run(job(job, inputs().get(job), out), -1, x -> { }));
    }
    return out;
  }

  /** Counts task starts, failed task ends and speculative launches while a job runs. */
  private static final class TaskCounter extends SparkListener {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger speculative = new AtomicInteger();
    private final int killAt;
    private final java.util.function.Consumer<String> kill;

    TaskCounter(int killAt, java.util.function.Consumer<String> kill) {
      this.killAt = killAt;
      this.kill = kill;
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
      if (start.taskInfo().speculative()) {
        speculative.incrementAndGet();
      }
      if (started.incrementAndGet() == killAt) {
        String executor = start.taskInfo().executorId();
        new Thread(() -> kill.accept(executor), "executor-killer").start();
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (!end.taskInfo().successful()) {
        failed.incrementAndGet();
      }
    }
  }

  private TaskCounter run(String[] args, int killAt, java.util.function.Consumer<String> kill) {
    TaskCounter counter = new TaskCounter(killAt, kill);
    cluster.sparkContext().addSparkListener(counter);
    try {
      Cli r = Cli.run(args);
      assertEquals(0, r.code(), r.err());
    } finally {
      try {
        cluster.sparkContext().listenerBus().waitUntilEmpty(30_000);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError(e);
      }
      cluster.sparkContext().removeSparkListener(counter);
    }
    return counter;
  }

  /** SIGKILLs the executor JVM that runs the task which reached the threshold, so a running task is lost. */
  private void killExecutor(String executorId, AtomicInteger killed) {
    String appId = cluster.sparkContext().applicationId();
    ProcessHandle.allProcesses()
        .filter(p -> {
          String c = commandLine(p.pid());
          return c.contains("CoarseGrainedExecutorBackend") && c.contains(appId)
              && c.contains(" --executor-id " + executorId + " ");
        })
        .findFirst()
        .ifPresent(p -> {
          if (p.destroyForcibly()) {
            killed.incrementAndGet();
          }
        });
  }

  private static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
          java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (java.io.IOException | RuntimeException e) {
      return "";
    }
  }

  @Test
  void anExecutorKilledMidJobChangesNothing() throws Exception {
    Map<String, String> in = inputs();
    for (String job : List.of("smote", "gme", "generate")) {
      String clean = clean(job);
      TaskCounter reference = cleanTasks.get(job);
      AtomicInteger killed = new AtomicInteger();
      String faulted = dir.resolve(job + "-executor-killed").toString();
      TaskCounter c = run(job(job, in.get(job), faulted), Math.max(2, reference.started.get() / 2),
          executor -> killExecutor(executor, killed));
      assertEquals(1, killed.get(), job + ": one executor JVM was killed");
      // the lost work shows as failed tasks, or (when the executor dies between tasks) as tasks run again
      assertTrue(c.failed.get() > 0 || c.started.get() > reference.started.get(),
          job + ": the kill cost work (failed " + c.failed + ", tasks " + c.started + " vs " + reference.started + ")");
      assertEquals(rows(clean), rows(faulted), job + ": identical output after losing an executor");
      assertEquals(2, waitForExecutors(2), "the worker replaced the executor");
    }
  }

  @Test
  void injectedTaskFailuresAndSpeculativeCopiesChangeNothing() {
    Map<String, String> in = inputs();
    int failures = 0;
    for (String job : List.of("smote", "gme", "generate")) {
      String clean = clean(job);
      String faulted = dir.resolve(job + "-faulty").toString();
      TaskCounter c = run(job(job, FaultyFileSystem.SCHEME + "://" + in.get(job), FaultyFileSystem.SCHEME + "://" + faulted),
          -1, x -> { });
      failures += c.failed.get();
      assertTrue(c.failed.get() > 0, job + ": first attempts failed");
      assertEquals(rows(clean), rows(faulted), job + ": identical output with failed and retried task attempts");
    }
    assertTrue(failures >= 3, "first attempts failed: " + failures);
  }
}
