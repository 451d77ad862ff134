package io.sampleforge.diffusion.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * SiLU, x sigmoid(x) (Elfwing et al. 2018; PyTorch's {@code nn.SiLU}), as a parameterless DJL block
 * computed with tensor-tensor operations only. DJL 0.36's {@code Activation.swishBlock(1f)} computes
 * {@code sigmoid(x.mul(1f)) * x}, and {@code mul(Number)} wraps the scalar in a Java direct buffer
 * that it frees when the call returns, while the autograd graph keeps the tensor for the backward
 * pass: once the garbage collector releases the buffer, the gradient reads freed memory (seen as
 * nondeterministic parameters and NaN losses under GC pressure). Cost: two elementwise passes.
 */
final class SiluBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  SiluBlock() {
    super(VERSION);
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    return new NDList(x.mul(Activation.sigmoid(x)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
