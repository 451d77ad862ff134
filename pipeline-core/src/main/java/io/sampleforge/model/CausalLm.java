package io.sampleforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A causal language model: token id sequences in, next-token logits out, batched. Implementations
 * must be deterministic functions of their inputs. Cost: implementation-defined.
 */
public interface CausalLm {
  /** Vocabulary size (columns of the logits). */
  int vocabularySize();

  /** [batch, vocab] float32 next-token logits for each row's full token sequence. */
  NDArray nextTokenLogits(NDManager manager, int[][] sequences);

  /** A stable identity of the model (type and content hash) for provenance. */
  String identity();
}
