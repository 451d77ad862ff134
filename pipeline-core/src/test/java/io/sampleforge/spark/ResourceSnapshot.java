package io.sampleforge.spark;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import java.io.File;
import java.lang.reflect.Field;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDInfo;

/**
 * What a session holds that a stage run could leak, read on the driver of a local session:
 * persisted RDDs and Dataset cache entries, bytes they store (memory + disk), broadcast blocks in
 * the block manager, live JVM threads ({@link #liveThreads()}; all threads for the record), open file descriptors (/proc/self/fd, -1 elsewhere), native
 * resources attached to DJL's PyTorch system manager (arrays, managers, predictors), and heap used
 * after a GC (for the record only: it is the noisiest). Cost: a GC and a walk of the DJL manager tree.
 */
record ResourceSnapshot(int persistedRdds, int cachedEntries, long storedBytes, int broadcastBlocks, int threads,
    int allThreads, int fds, int djlResources, long heapMb) {

  /** A GC first (Spark's ContextCleaner frees unreachable broadcasts, and weakly held RDDs, after it), then the counts. */
  static ResourceSnapshot take(SparkSession spark) {
    settle();
    long stored = 0;
    for (RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
      stored += info.memSize() + info.diskSize();
    }
    int cached = ((org.apache.spark.sql.classic.SparkSession) spark).sharedState().cacheManager().numCachedEntries();
    int broadcasts = SparkEnv.get().blockManager().getMatchingBlockIds(id -> id.isBroadcast()).size();
    Runtime rt = Runtime.getRuntime();
    return new ResourceSnapshot(spark.sparkContext().getPersistentRDDs().size(), cached, stored, broadcasts,
        liveThreads(), Thread.getAllStackTraces().size(), openFds(), nativeResources(), (rt.totalMemory() - rt.freeMemory()) >> 20);
  }

  private static void settle() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(400); // unpersist and cleaner work are asynchronous
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Live threads, less idle pool workers waiting out a keep-alive (TIMED_WAITING in
   * ThreadPoolExecutor.getTask): Spark's static SQL pools (shuffle-exchange, broadcast-exchange,
   * ResultQueryStageExecution) start a new worker per task up to their size and retire it after 60
   * idle seconds, so they swell during a burst of queries and shrink on their own. A leaked fixed
   * pool's workers wait without a timeout and are counted.
   */
  static int liveThreads() {
    int n = 0;
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      boolean expiring = e.getKey().getState() == Thread.State.TIMED_WAITING && java.util.Arrays.stream(e.getValue())
          .anyMatch(f -> f.getClassName().equals("java.util.concurrent.ThreadPoolExecutor") && f.getMethodName().equals("getTask"));
      n += expiring ? 0 : 1;
    }
    return n;
  }

  private static int openFds() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  /** Resources under the PyTorch engine's system manager, recursively (BaseNDManager keeps them in a protected map). */
  static int nativeResources() {
    try (NDManager probe = NDManager.newBaseManager("PyTorch")) {
      return count(probe.getParentManager()) - 1; // minus the probe itself
    }
  }

  private static int count(NDManager manager) {
    if (!(manager instanceof BaseNDManager base)) {
      return 0;
    }
    try {
      Field f = BaseNDManager.class.getDeclaredField("resources");
      f.setAccessible(true);
      @SuppressWarnings("unchecked")
      Map<String, AutoCloseable> resources = (Map<String, AutoCloseable>) f.get(base);
      int n = 0;
      for (AutoCloseable r : resources.values()) {
        n += 1 + (r instanceof NDManager m ? count(m) : 0);
      }
      return n;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read DJL's manager resources", e);
    }
  }
}
