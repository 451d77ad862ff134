package io.sampleforge.diffusion.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Float32 arrays in memory allocated by libtorch itself. DJL's PyTorch engine wraps a Java direct
 * buffer without copying ({@code torch::from_blob}), and a direct buffer's address is only 16-byte
 * aligned, at an offset that changes from run to run; CPU GEMM kernels may round differently for
 * other alignments (Intel MKL documents this for its conditional numerical reproducibility), and one
 * training in about ten came out different. libtorch's allocator aligns to 64 bytes, so every
 * parameter and every batch is cloned into it: one copy per array, O(size).
 */
final class NativeCopies {
  private NativeCopies() {}

  /** {@code values} as a [shape] float32 array whose memory libtorch allocated, attached to {@code manager}. */
  static NDArray of(NDManager manager, float[] values, Shape shape) {
    try (NDManager scratch = manager.newSubManager()) {
      NDArray wrapped = scratch.create(values, shape);
      NDArray copy = wrapped.duplicate();
      copy.attach(manager);
      return copy;
    }
  }

  /** A libtorch-allocated copy of {@code a}, attached to {@code manager}. */
  static NDArray of(NDManager manager, NDArray a) {
    NDArray copy = a.duplicate();
    copy.attach(manager);
    return copy;
  }
}
