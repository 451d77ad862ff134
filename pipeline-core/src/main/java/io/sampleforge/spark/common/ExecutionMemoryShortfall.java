package io.sampleforge.spark.common;

/**
 * A task needed more execution memory than its executor could grant ({@link TaskMemoryReservation});
 * the message names what needed it, how much, what was granted and how to need less. Thrown inside
 * tasks instead of letting the heap run out, so the executor survives and the driver can report
 * the cause.
 */
public final class ExecutionMemoryShortfall extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ExecutionMemoryShortfall(String message) {
    super(message);
  }
}
