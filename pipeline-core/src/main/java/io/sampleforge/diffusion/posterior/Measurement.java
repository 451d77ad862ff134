package io.sampleforge.diffusion.posterior;

import io.sampleforge.errors.InputDataException;

/**
 * One measured row: its id (the record key its draws are keyed by), its operator and its measurement
 * y (validated once: y has the operator's output dimension and finite values, else an {@link
 * InputDataException}, exit 3, naming the row id, as issue 23 asks). Cost O(m).
 */
public record Measurement(long id, MeasurementOperator operator, double[] y) {
  public Measurement {
    if (operator == null) {
      throw new IllegalArgumentException("measurement " + id + " needs an operator");
    }
    if (y == null || y.length != operator.outputDimension()) {
      throw InputDataException.of("y", "must hold " + operator.outputDimension() + " values for the operator of row " + id,
          y == null ? null : y.length + " values");
    }
    for (int i = 0; i < y.length; i++) {
      if (!Double.isFinite(y[i])) {
        throw InputDataException.of("y", "must be finite (row " + id + ", value " + i + ")", y[i]);
      }
    }
    y = y.clone();
  }

  /** y (a copy). */
  @Override
  public double[] y() {
    return y.clone();
  }

  /** The clean dimension D. */
  public int dimension() {
    return operator.inputDimension();
  }
}
