package io.sampleforge.spark.common;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;

/**
 * What the PyTorch engine loaded in this JVM can run on: whether its native library is a CUDA
 * build and how many CUDA devices it sees. DJL 0.36 answers both through {@link Engine}:
 * {@code hasCapability(StandardCapabilities.CUDA)} lists the libtorch build's features (false for
 * {@code pytorch-native-cpu}), and {@code getGpuCount()} is 0 for a CPU build, else
 * {@code ai.djl.util.cuda.CudaUtils.getGpuCount()} (cudaGetDeviceCount through JNA; 0 when no
 * CUDA runtime or driver is found). Cost: loads the engine once (about 5 s the first time in a JVM,
 * when the native library is extracted), then O(1). Its {@code main} is the GPU node check of
 * docs/cluster.md ("GPU cluster"): it prints what this JVM's PyTorch engine sees and exits 0 only
 * when it can run kernels on a CUDA device.
 *
 * @param engine the engine's name and version, for messages, e.g. "PyTorch 2.7.1"
 * @param cudaBuild whether the loaded libtorch was built with CUDA
 * @param gpuCount CUDA devices visible to this JVM (0 when {@code cudaBuild} is false)
 */
public record EngineDevices(String engine, boolean cudaBuild, int gpuCount) {
  /** The engine the kernels run on (DJL's name). */
  public static final String ENGINE = "PyTorch";

  /** Asks the PyTorch engine of this JVM (loading it if needed). */
  public static EngineDevices probe() {
    Engine engine = Engine.getEngine(ENGINE);
    boolean cuda = engine.hasCapability(StandardCapabilities.CUDA);
    return new EngineDevices(ENGINE + " " + engine.getVersion(), cuda, cuda ? engine.getGpuCount() : 0);
  }

  /**
   * Prints the engine's devices and whether device 0 is usable.
   *
   * @return 0 when CUDA device 0 can run the kernels, else 1
   */
  static int report(java.io.PrintStream out) {
    EngineDevices here = probe();
    out.println(here.engine() + ": " + (here.cudaBuild() ? "CUDA build" : "CPU-only build") + ", "
        + here.gpuCount() + " CUDA device(s) visible");
    String why = here.whyNotUsable(0);
    out.println(why == null ? "OK: DJL kernels can run on gpu(0)" : "NOT USABLE: " + why);
    return why == null ? 0 : 1;
  }

  /** The GPU node check: {@code java -cp <cluster jar>:$SPARK_HOME/jars/* io.sampleforge.spark.common.EngineDevices}. */
  public static void main(String[] args) {
    System.exit(report(System.out));
  }

  /**
   * Why CUDA device {@code address} cannot be used here, or null when it can.
   *
   * @param address the device ordinal Spark gave the task (its "gpu" resource address)
   */
  public String whyNotUsable(int address) {
    if (!cudaBuild) {
      return "the " + engine + " native library in this JVM is a CPU-only build (no CUDA); a GPU node needs "
          + "libtorch with CUDA: PYTORCH_LIBRARY_PATH, PYTORCH_VERSION and PYTORCH_FLAVOR in the executor's "
          + "environment (docs/cluster.md, GPU cluster)";
    }
    if (address < 0 || address >= gpuCount) {
      return "the CUDA build of " + engine + " sees " + gpuCount + " CUDA device(s) in this JVM, so device ordinal "
          + address + " does not exist (check the discovery script's addresses against CUDA_VISIBLE_DEVICES)";
    }
    return null;
  }
}
