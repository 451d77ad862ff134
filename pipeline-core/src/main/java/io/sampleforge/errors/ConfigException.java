package io.sampleforge.errors;

/** A parameter or configuration value breaks a rule (exit code 2). */
public final class ConfigException extends SampleforgeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  /** Builds "parameter 'name' rule; got value". */
  public static ConfigException of(String parameter, String rule, Object value) {
    return new ConfigException("parameter '" + parameter + "' " + rule + "; got " + value);
  }

  @Override
  public int exitCode() {
    return 2;
  }
}
