package io.sampleforge.testing;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base (a fixture, not a test) of test classes that share one offline PyTorch-engine NDManager. */
// one instance per test class, so the @BeforeAll/@AfterAll hooks may be instance methods
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
public abstract class PyTorchFixture {
  protected NDManager manager;

  @BeforeAll
  void startManager() {
    System.setProperty("ai.djl.offline", "true");
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  void stopManager() {
    manager.close();
  }
}
