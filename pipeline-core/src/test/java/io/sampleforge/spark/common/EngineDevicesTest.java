package io.sampleforge.spark.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/**
 * What the PyTorch engine reports here, and the reasons a GPU is refused. The test classpath has
 * only ai.djl.pytorch:pytorch-native-cpu, so the engine must report a CPU build with no device.
 */
class EngineDevicesTest {
  @Test
  void theCpuBuildOnThisClasspathHasNoCuda() {
    EngineDevices here = EngineDevices.probe();
    assertFalse(here.cudaBuild(), here.toString());
    assertEquals(0, here.gpuCount());
    assertTrue(here.engine().startsWith("PyTorch 2."), here.engine());
    String why = here.whyNotUsable(0);
    assertTrue(why.contains("CPU-only build") && why.contains("PYTORCH_LIBRARY_PATH"), why);
  }

  @Test
  void theNodeCheckFailsOnTheCpuBuildSayingWhy() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    int code = EngineDevices.report(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
    String printed = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(1, code, printed);
    assertTrue(printed.contains("CPU-only build, 0 CUDA device(s) visible") && printed.contains("NOT USABLE"), printed);
  }

  @Test
  void aCudaBuildRefusesOnlyOrdinalsItDoesNotSee() {
    EngineDevices twoGpus = new EngineDevices("PyTorch 2.7.1", true, 2);
    assertNull(twoGpus.whyNotUsable(0));
    assertNull(twoGpus.whyNotUsable(1));
    String why = twoGpus.whyNotUsable(2);
    assertTrue(why.contains("sees 2 CUDA device(s)") && why.contains("ordinal 2"), why);
    assertTrue(new EngineDevices("PyTorch 2.7.1", true, 0).whyNotUsable(0).contains("sees 0 CUDA device(s)"));
  }

  @Test
  void outsideATaskTheCpuIsRequestedAndUsed() {
    assertEquals(Device.cpu(), TaskDevices.requested());
    assertEquals(Device.cpu(), TaskDevices.current());
    assertEquals(new TaskDevices.Fallbacks(0, 0), TaskDevices.fallbacks());
  }
}
