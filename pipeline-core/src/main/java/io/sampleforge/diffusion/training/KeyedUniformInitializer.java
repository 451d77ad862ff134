package io.sampleforge.diffusion.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import io.sampleforge.random.KeyedStream;

/**
 * PyTorch's default {@code nn.Linear} initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the
 * weight and the bias (kaiming_uniform with a = sqrt(5)), drawn from a keyed stream instead of the
 * engine's global generator, so the initial parameters are a pure function of the seed and the
 * parameter's name (no {@code Engine.setRandomSeed}, nothing shared between threads). Element j is
 * (2 u_j - 1) / sqrt(fan_in) with u_j = {@link KeyedStream#uniform}(j), rounded to float32. Cost: one
 * draw per element.
 */
final class KeyedUniformInitializer implements Initializer {
  private final KeyedStream stream;
  private final int fanIn;

  KeyedUniformInitializer(KeyedStream stream, int fanIn) {
    this.stream = stream;
    this.fanIn = fanIn;
  }

  @Override
  public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
    if (dataType != DataType.FLOAT32) {
      throw new IllegalStateException("the denoiser trains in float32, not " + dataType);
    }
    int n = Math.toIntExact(shape.size());
    double bound = 1.0 / Math.sqrt(fanIn);
    float[] v = new float[n];
    for (int j = 0; j < n; j++) {
      v[j] = (float) ((2 * stream.uniform(j) - 1) * bound);
    }
    return manager.create(v, shape);
  }
}
