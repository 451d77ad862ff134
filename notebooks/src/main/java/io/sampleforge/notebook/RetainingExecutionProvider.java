package io.sampleforge.notebook;

import java.util.Map;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/** Hands JShell the one {@link RetainingExecutionControl} of a {@link JShellCells}. Cost: O(1). */
final class RetainingExecutionProvider implements ExecutionControlProvider {
  private final RetainingExecutionControl control;

  RetainingExecutionProvider(RetainingExecutionControl control) {
    this.control = control;
  }

  @Override
  public String name() {
    return "sampleforge-retaining";
  }

  @Override
  public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
    return control;
  }
}
