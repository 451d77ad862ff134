package io.sampleforge.diffusion.continuous;

/**
 * A denoiser returned NaN or infinity: the solver stops rather than carry it into samples. Names the
 * row of the batch, the coordinate, the step and the level, so that a caller (the Spark stage) can
 * name the request id behind the row.
 */
public final class NonFiniteOutputException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final int row;
  private final int coordinate;
  private final int step;
  private final transient NoiseLevel level;
  private final double value;

  public NonFiniteOutputException(int row, int coordinate, int step, NoiseLevel level, double value) {
    super("the denoiser returned " + value + " for row " + row + ", coordinate " + coordinate + " at step " + step
        + " (" + level + ")");
    this.row = row;
    this.coordinate = coordinate;
    this.step = step;
    this.level = level;
    this.value = value;
  }

  /** The row of the batch whose prediction was not finite. */
  public int row() {
    return row;
  }

  public int coordinate() {
    return coordinate;
  }

  /** The solver step (0 = the first model call). */
  public int step() {
    return step;
  }

  public NoiseLevel level() {
    return level;
  }

  public double value() {
    return value;
  }
}
