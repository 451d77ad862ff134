package io.sampleforge.diffusion.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * The epsilon loss, mean((eps_hat - eps)^2) over the batch and the coordinates (DDPM's simple loss,
 * Ho et al. 2020), as a DJL {@link Loss} built from tensor-tensor operations only: DJL 0.36's
 * {@code L2Loss} multiplies by its weight through {@code mul(Number)}, whose scalar lives in a Java
 * buffer freed before the backward pass reads it (see {@link SiluBlock}). Cost: three elementwise
 * passes and one reduction.
 */
final class EpsilonLoss extends Loss {
  EpsilonLoss() {
    super("EpsilonLoss");
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray pred = predictions.singletonOrThrow();
    return pred.sub(labels.singletonOrThrow()).square().mean();
  }
}
