package io.sampleforge.errors;

/** The input data breaks a rule: a missing or mistyped column, invalid values, an unreadable file (exit code 3). */
public final class InputDataException extends SampleforgeException {
  private static final long serialVersionUID = 1L;

  public InputDataException(String message) {
    super(message);
  }

  public InputDataException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Builds "column 'name' rule; e.g. value". */
  public static InputDataException of(String column, String rule, Object example) {
    return new InputDataException("column '" + column + "' " + rule + "; e.g. " + example);
  }

  @Override
  public int exitCode() {
    return 3;
  }
}
