package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.spark.network.util.JavaUtils;
import org.junit.jupiter.api.Test;

/**
 * conf/spark/gpu.conf's settings agree with each other and with conf/spark/cluster.conf (which
 * submit.sh applies before them): the tasks of an executor share exactly its GPU, RAPIDS' pool
 * leaves libtorch a share of the device, the pinned pool fits in the memory overhead on top of
 * libtorch's, and Kryo (on in cluster.conf) gets RAPIDS' registrator. Sizes are read with Spark's
 * own parser. RAPIDS' defaults (minAllocFraction 0.25) are from its configuration reference.
 */
class GpuConfTest {
  private static final Path SPARK_CONF = Path.of("../conf/spark");

  private static Properties load(String name) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(SPARK_CONF.resolve(name))) {
      p.load(r);
    }
    return p;
  }

  private static double number(Properties p, String key) {
    String v = p.getProperty(key);
    assertTrue(v != null, key + " is set");
    return Double.parseDouble(v.strip());
  }

  private static long bytes(Properties p, String key) {
    String v = p.getProperty(key);
    assertTrue(v != null, key + " is set");
    return JavaUtils.byteStringAsBytes(v.strip());
  }

  @Test
  void tasksShareTheExecutorsGpuExactly() throws IOException {
    Properties gpu = load("gpu.conf");
    Properties cluster = load("cluster.conf");
    assertEquals(number(gpu, "spark.executor.resource.gpu.amount"),
        number(gpu, "spark.task.resource.gpu.amount") * number(cluster, "spark.executor.cores"), 1e-12,
        "task GPU amount x executor cores = the executor's GPUs");
    assertEquals("false", gpu.getProperty("spark.dynamicAllocation.enabled"));
  }

  @Test
  void rapidsLeavesRoomForLibtorch() throws IOException {
    Properties gpu = load("gpu.conf");
    double alloc = number(gpu, "spark.rapids.memory.gpu.allocFraction");
    double max = number(gpu, "spark.rapids.memory.gpu.maxAllocFraction");
    double min = gpu.getProperty("spark.rapids.memory.gpu.minAllocFraction") == null ? 0.25
        : number(gpu, "spark.rapids.memory.gpu.minAllocFraction");
    assertTrue(min <= alloc && alloc <= max, "RAPIDS needs min <= alloc <= max: " + min + ", " + alloc + ", " + max);
    assertTrue(max <= 0.6, "the pool may never grow over the device, leaving libtorch at least 40 %: " + max);
  }

  @Test
  void pinnedPoolFitsInTheOverheadBesidesLibtorch() throws IOException {
    Properties gpu = load("gpu.conf");
    Properties cluster = load("cluster.conf");
    long pinned = bytes(gpu, "spark.rapids.memory.pinnedPool.size");
    assertTrue(pinned > 0, "a pinned pool is configured");
    assertTrue(bytes(gpu, "spark.executor.memoryOverhead") >= pinned + bytes(cluster, "spark.executor.memoryOverhead"),
        "GPU executors' overhead holds the pinned pool plus the CPU executors' overhead (libtorch's native memory)");
  }

  @Test
  void kryoGetsTheRapidsRegistrator() throws IOException {
    assertEquals("org.apache.spark.serializer.KryoSerializer", load("cluster.conf").getProperty("spark.serializer"));
    String registrators = load("gpu.conf").getProperty("spark.kryo.registrator");
    assertTrue(registrators != null && List.of(registrators.split("\\s*,\\s*")).contains("com.nvidia.spark.rapids.GpuKryoRegistrator"),
        String.valueOf(registrators));
    assertEquals("com.nvidia.spark.SQLPlugin", load("gpu.conf").getProperty("spark.plugins"));
  }
}
