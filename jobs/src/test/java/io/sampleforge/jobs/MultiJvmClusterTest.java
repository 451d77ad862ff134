package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.spark.MlbenchData;
import io.sampleforge.spark.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real multi-JVM Spark cluster on localhost (local-cluster: a master, a worker and two
 * executor JVMs, no Spark distribution needed): the smote job writes exactly the rows that local
 * mode writes, and the gme job's distributed scoring (shards cached in both executor JVMs, one
 * Spark round per pick) writes exactly the ranking of the in-task mode in local mode.
 */
class MultiJvmClusterTest {
  @TempDir
  Path dir;

  private static List<String> rows(SparkSession spark, String path) {
    return spark.read().parquet(path).collectAsList().stream().map(Row::toString).sorted().toList();
  }

  private String[] smoteArgs(String input, String output) {
    return new String[] {"smote", "--input", input, "--output", output, "--set", "label=classes",
        "--set", "features=[" + String.join(",", MlbenchData.read("Satellite", "classes", "damp grey soil").featureColumns()) + "]",
        "--set", "id_column=row", "--set", "sampling_strategy=0.6", "--set", "block_rows=300", "--seed", "5"};
  }

  private static String[] gmeArgs(String input, String output, String scoring) {
    return new String[] {"gme", "--input", input, "--output", output, "--set", "item=item",
        "--set", "attributes=[brand,category]", "--set", "n=40", "--set", "scoring=" + scoring, "--set", "shards=4"};
  }

  @Test
  void clusterOutputEqualsLocalOutput() throws Exception {
    String input = dir.resolve("satellite").toString();
    String localOut = dir.resolve("local").toString();
    String clusterOut = dir.resolve("cluster").toString();
    String relations = dir.resolve("relations").toString();
    List<String> local;
    List<String> localGme;
    SparkSession spark = SparkTestSession.start("local[2]");
    try {
      MlbenchData.read("Satellite", "classes", "damp grey soil").frame(spark, 4).write().parquet(input);
      assertEquals(0, SampleforgeMain.execute(smoteArgs(input, localOut)));
      local = rows(spark, localOut);
      assertEquals(0, SampleforgeMain.execute("synth-relations", "--output", relations, "--set", "items=3000",
          "--set", "relations_per_item=4", "--set", "vocabulary=[400, 40]", "--set", "partitions=3"));
      assertEquals(0, SampleforgeMain.execute(gmeArgs(relations, dir.resolve("gme-local").toString(), "in-task")));
      localGme = rows(spark, dir.resolve("gme-local").toString());
    } finally {
      SparkTestSession.stop(spark);
    }

    String sparkHome = System.getenv("SPARK_HOME");
    assertTrue(sparkHome != null, "surefire sets SPARK_HOME to a folder with an empty jars/");
    Files.createDirectories(Path.of(sparkHome, "jars"));
    String executorOptions = JavaModuleOptions.defaultModuleOptions()
        + " -Dai.djl.offline=true -DdisableProgressBar=true -Dlog4j2.configurationFile=log4j2.properties"
        // short-lived executor JVMs on 2 cores: C1 only and the serial collector (see DriverProcess.SHORT_LIVED_JVM)
        + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
    SparkSession cluster = SparkSession.builder()
        .master("local-cluster[2,1,1024]")
        .appName("sampleforge-cluster-test")
        .config("spark.ui.enabled", "false")
        .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .config("spark.executor.extraJavaOptions", executorOptions)
        .config("spark.executorEnv.DJL_CACHE_DIR", System.getProperty("user.home") + "/.djl.ai")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.sql.shuffle.partitions", "6")
        .getOrCreate();
    try {
      assertEquals(2, waitForExecutors(cluster, 2), "two executor JVMs");
      assertEquals(0, SampleforgeMain.execute(smoteArgs(input, clusterOut)));
      List<String> onCluster = rows(cluster, clusterOut);
      assertEquals(local.size(), onCluster.size());
      assertEquals(local, onCluster);
      assertEquals(0, SampleforgeMain.execute(gmeArgs(relations, dir.resolve("gme-cluster").toString(), "distributed")));
      List<String> clusterGme = rows(cluster, dir.resolve("gme-cluster").toString());
      assertEquals(40, clusterGme.size());
      assertTrue(localGme.equals(clusterGme), "distributed ranking on two executor JVMs equals the local in-task one");
    } finally {
      SparkTestSession.stop(cluster);
    }
  }

  /** How long a slow, shared machine may take to start two executor JVMs and register them. */
  private static final long EXECUTOR_WAIT_SECONDS = 180;

  /**
   * Waits until {@code wanted} executor JVMs have registered with the driver (the status tracker's
   * executor list, less the driver's own entry), polling every 500 ms for at most
   * {@link #EXECUTOR_WAIT_SECONDS}; fails naming what it waited for and what it saw.
   */
  private static int waitForExecutors(SparkSession spark, int wanted) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(EXECUTOR_WAIT_SECONDS);
    int executors = registeredExecutors(spark);
    while (executors < wanted && System.nanoTime() < deadline) {
      Thread.sleep(500);
      executors = registeredExecutors(spark);
    }
    if (executors < wanted) {
      org.junit.jupiter.api.Assertions.fail("local-cluster[2,1,1024]: waited " + EXECUTOR_WAIT_SECONDS + " s for " + wanted
          + " executor JVMs to register with the driver; " + executors + " registered (executors seen: "
          + java.util.Arrays.stream(spark.sparkContext().statusTracker().getExecutorInfos())
              .map(e -> e.host() + ":" + e.port()).toList() + ", driver included)");
    }
    return executors;
  }

  private static int registeredExecutors(SparkSession spark) {
    return spark.sparkContext().statusTracker().getExecutorInfos().length - 1;
  }
}
