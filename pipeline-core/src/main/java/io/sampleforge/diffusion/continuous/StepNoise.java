package io.sampleforge.diffusion.continuous;

/**
 * Where a stochastic solver takes the standard normals z of step i (rows x D). Production code uses
 * {@link #keyed}; golden tests inject a reference implementation's noise.
 */
@FunctionalInterface
interface StepNoise {
  void fill(int step, double[] out);

  /** The keyed draws of {@link GaussianDraws} at (step, coordinate, STEP_NOISE) for each key. */
  static StepNoise keyed(GaussianDraws draws, SampleKey[] keys, int dimension) {
    return (step, out) -> draws.normals(keys, dimension, step, GaussianDraws.Kind.STEP_NOISE, out);
  }
}
