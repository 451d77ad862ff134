package io.sampleforge.spark.common;

import ai.djl.Device;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Chooses where a task's DJL kernels run and sizes libtorch's thread pool. {@link #requested()}
 * is the first address of the task's "gpu" resource when Spark scheduled one
 * (spark.task.resource.gpu.amount; Spark's resource scheduling, "Custom Resource Scheduling and
 * Configuration Overview" in the Spark configuration guide), else the CPU. {@link #current()} is
 * that device when the PyTorch engine of this executor can use it ({@link EngineDevices}), else the
 * CPU: a GPU task on an executor whose libtorch has no CUDA (or does not see that device) falls
 * back to the CPU, with one WARN per executor JVM naming the reason, and results equal to a CPU
 * run's, never a native crash. Intra-op threads = spark.task.cpus, so that task slots × threads
 * never exceeds the executor's cores. Must run before the PyTorch engine first loads in the JVM.
 * Cost: O(1); the first GPU request in a JVM loads the engine (which the kernels do next anyway).
 */
public final class TaskDevices {
  private static final Logger LOG = LogManager.getLogger(TaskDevices.class);
  /** Start of the once-per-JVM fallback warning, for readers of executor logs and tests. */
  public static final String FALLBACK_WARNING = "GPU task falls back to the CPU";
  /** Start of the once-per-JVM-and-device line naming a GPU the kernels run on. */
  public static final String GPU_NOTICE = "DJL kernels run on";

  private static volatile EngineDevices engine;
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  private static final AtomicInteger WARNINGS = new AtomicInteger();
  private static final AtomicLong CPU_FALLBACKS = new AtomicLong();
  private static final Set<Device> ANNOUNCED = ConcurrentHashMap.newKeySet();

  private TaskDevices() {}

  /**
   * This JVM's fallback record so far.
   *
   * @param warnings fallback warnings logged (at most 1)
   * @param cpuFallbacks {@link #current()} calls that answered the CPU for a scheduled GPU
   */
  public record Fallbacks(int warnings, long cpuFallbacks) {}

  /** The device Spark scheduled for the current task: gpu(first "gpu" address), else the CPU (also outside a task). */
  public static Device requested() {
    TaskContext tc = TaskContext.get();
    if (tc != null) {
      Map<String, ResourceInformation> resources = tc.resourcesJMap();
      ResourceInformation gpu = resources.get("gpu");
      if (gpu != null && gpu.addresses().length > 0) {
        String address = gpu.addresses()[0].trim();
        try {
          return Device.gpu(Integer.parseInt(address));
        } catch (NumberFormatException e) {
          throw new IllegalStateException("spark task resource 'gpu': address must be a CUDA device ordinal "
              + "(0, 1, ...), as the discovery script prints it; got '" + address + "'", e);
        }
      }
    }
    return Device.cpu();
  }

  /** Device the current task's kernels run on: {@link #requested()} when usable here, else the CPU. */
  public static Device current() {
    configureThreads();
    Device wanted = requested();
    if (!wanted.isGpu()) {
      return wanted;
    }
    EngineDevices here = engine();
    String why = here.whyNotUsable(wanted.getDeviceId());
    if (why == null) {
      if (ANNOUNCED.add(wanted)) {
        LOG.info("{} {} in this executor ({}, {} CUDA device(s) visible)", GPU_NOTICE, wanted, here.engine(), here.gpuCount());
      }
      return wanted;
    }
    CPU_FALLBACKS.incrementAndGet();
    if (WARNED.compareAndSet(false, true)) {
      WARNINGS.incrementAndGet();
      LOG.warn("{}: Spark gave this task GPU address {}, but {}. DJL kernels of this executor run on the CPU "
          + "(same results, slower); logged once per executor JVM.", FALLBACK_WARNING, wanted.getDeviceId(), why);
    }
    return Device.cpu();
  }

  /** This JVM's fallback record (for tests and diagnostics). */
  public static Fallbacks fallbacks() {
    return new Fallbacks(WARNINGS.get(), CPU_FALLBACKS.get());
  }

  private static EngineDevices engine() {
    EngineDevices e = engine;
    if (e == null) {
      synchronized (TaskDevices.class) {
        e = engine;
        if (e == null) {
          e = EngineDevices.probe();
          engine = e;
        }
      }
    }
    return e;
  }

  /**
   * Sets DJL's PyTorch thread properties unless the user set them: intra-op threads = the task's
   * spark.task.cpus, 1 outside a task (a driver-side probe, which in local mode starts the engine the
   * tasks then share). Call before any engine use.
   */
  public static void configureThreads() {
    TaskContext tc = TaskContext.get();
    int cpus = tc == null ? 1 : Math.max(1, tc.cpus());
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(cpus));
    }
    if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty("disableProgressBar") == null) {
      System.setProperty("disableProgressBar", "true");
    }
  }
}
