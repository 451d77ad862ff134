package io.sampleforge.spark.common;

import ai.djl.Device;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Chooses where a task's DJL kernels run and sizes libtorch's thread pool: the first address of the
 * task's "gpu" resource when Spark scheduled one (spark.task.resource.gpu.amount), else the CPU;
 * intra-op threads = spark.task.cpus so that task slots × threads never exceeds the executor's
 * cores. Must run before the PyTorch engine first loads in the JVM. Cost: O(1).
 */
public final class TaskDevices {
  private TaskDevices() {}

  /** Device for the current task (CPU outside a task). */
  public static Device current() {
    configureThreads();
    TaskContext tc = TaskContext.get();
    if (tc != null) {
      Map<String, ResourceInformation> resources = tc.resourcesJMap();
      ResourceInformation gpu = resources.get("gpu");
      if (gpu != null && gpu.addresses().length > 0) {
        return Device.gpu(Integer.parseInt(gpu.addresses()[0].trim()));
      }
    }
    return Device.cpu();
  }

  /** Sets DJL's PyTorch thread properties unless the user set them. */
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
