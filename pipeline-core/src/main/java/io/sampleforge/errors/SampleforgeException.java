package io.sampleforge.errors;

/**
 * Root of Sampleforge's exception hierarchy. Every message names the parameter or column, the rule
 * that was broken and an offending value; {@link #exitCode()} is the process exit code a job uses.
 */
public abstract sealed class SampleforgeException extends RuntimeException
    permits ConfigException, InputDataException {
  private static final long serialVersionUID = 1L;

  protected SampleforgeException(String message) {
    super(message);
  }

  protected SampleforgeException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Process exit code: 2 for usage/config errors, 3 for bad input data. */
  public abstract int exitCode();
}
