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
 * The smote job on a real multi-JVM Spark cluster on localhost (local-cluster: a master, a worker
 * and two executor JVMs, no Spark distribution needed) writes exactly the rows that local mode
 * writes.
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

  @Test
  void clusterOutputEqualsLocalOutput() throws Exception {
    String input = dir.resolve("satellite").toString();
    String localOut = dir.resolve("local").toString();
    String clusterOut = dir.resolve("cluster").toString();
    List<String> local;
    SparkSession spark = SparkTestSession.start("local[2]");
    try {
      MlbenchData.read("Satellite", "classes", "damp grey soil").frame(spark, 4).write().parquet(input);
      assertEquals(0, SampleforgeMain.execute(smoteArgs(input, localOut)));
      local = rows(spark, localOut);
    } finally {
      SparkTestSession.stop(spark);
    }

    String sparkHome = System.getenv("SPARK_HOME");
    assertTrue(sparkHome != null, "surefire sets SPARK_HOME to a folder with an empty jars/");
    Files.createDirectories(Path.of(sparkHome, "jars"));
    String executorOptions = JavaModuleOptions.defaultModuleOptions()
        + " -Dai.djl.offline=true -DdisableProgressBar=true -Dlog4j2.configurationFile=log4j2.properties";
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
    } finally {
      SparkTestSession.stop(cluster);
    }
  }

  private static int waitForExecutors(SparkSession spark, int wanted) throws InterruptedException {
    for (int i = 0; i < 120; i++) {
      int executors = spark.sparkContext().getExecutorMemoryStatus().size() - 1;
      if (executors >= wanted) {
        return executors;
      }
      Thread.sleep(500);
    }
    return spark.sparkContext().getExecutorMemoryStatus().size() - 1;
  }
}
