package io.sampleforge.jobs.io;

/**
 * Named points in the output commit where the crash tests stop the driver dead: with the system
 * property {@code sampleforge.fault.halt-at=<point>} the JVM halts there (exit 137, no shutdown
 * hooks, like SIGKILL). Inert without the property. Points: {@code staged} (data and manifest
 * written, nothing renamed), {@code moved-aside} (the old output renamed to its backup name),
 * {@code renamed} (the new output in place, the backup not yet deleted).
 */
public final class FaultPoints {
  public static final String PROPERTY = "sampleforge.fault.halt-at";

  private FaultPoints() {}

  public static void reach(String point) {
    if (point.equals(System.getProperty(PROPERTY))) {
      System.err.println("sampleforge: fault injection: halting at " + point);
      System.err.flush();
      Runtime.getRuntime().halt(137);
    }
  }
}
