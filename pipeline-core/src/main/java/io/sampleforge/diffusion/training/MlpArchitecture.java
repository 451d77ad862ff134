package io.sampleforge.diffusion.training;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.sampleforge.errors.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * The denoiser network: an MLP on the concatenation of the noisy row x_t [B, D] and the {@link
 * TimestepEmbedding} of its model time [B, E], with {@code hiddenLayers} layers of {@code width}
 * units, each Linear then SiLU (x sigmoid(x)), and a Linear output [B, D] (the epsilon prediction).
 * The time embedding is concatenated to the input rather than added per layer, a simpler variant of
 * TabDDPM's MLP (Kotelnikov et al. 2023, "TabDDPM: Modelling tabular data with diffusion models").
 * Built with DJL's Block API ({@link SequentialBlock}, {@link Linear}, {@link SiluBlock}). Parameters:
 * (D + E) W + (L - 1) W^2 + W D + L W + D; a forward costs twice that many FLOPs per row, a training
 * step about three forwards.
 *
 * @param dimension D, the number of (standardised) columns, >= 1
 * @param hiddenLayers L, >= 1
 * @param width W, the units of each hidden layer, >= 1
 * @param timeEmbedding E, the time embedding's size, even and >= 2
 */
public record MlpArchitecture(int dimension, int hiddenLayers, int width, int timeEmbedding) {
  public MlpArchitecture {
    if (dimension < 1) {
      throw ConfigException.of("columns", "must name at least one column", dimension);
    }
    if (hiddenLayers < 1 || hiddenLayers > 64) {
      throw ConfigException.of("hidden_layers", "must be in [1, 64]", hiddenLayers);
    }
    if (width < 1 || width > 65_536) {
      throw ConfigException.of("hidden_width", "must be in [1, 65536]", width);
    }
    if (timeEmbedding < 2 || timeEmbedding % 2 != 0 || timeEmbedding > 65_536) {
      throw ConfigException.of("time_embedding_dim", "must be even and in [2, 65536]", timeEmbedding);
    }
  }

  /** The width of the network's input: D + E. */
  public int inputWidth() {
    return dimension + timeEmbedding;
  }

  /** A fresh, uninitialised block of this architecture. */
  SequentialBlock block() {
    SequentialBlock b = new SequentialBlock();
    for (int i = 0; i < hiddenLayers; i++) {
      b.add(Linear.builder().setUnits(width).build());
      b.add(new SiluBlock());
    }
    b.add(Linear.builder().setUnits(dimension).build());
    return b;
  }

  /** The input shape of a batch of {@code rows} rows. */
  Shape inputShape(int rows) {
    return new Shape(rows, inputWidth());
  }

  /** The block's parameter shapes in DJL's order: per Linear layer its weight [out, in], then its bias [out]. */
  List<Shape> parameterShapes() {
    List<Shape> shapes = new ArrayList<>();
    int in = inputWidth();
    for (int i = 0; i <= hiddenLayers; i++) {
      int out = i < hiddenLayers ? width : dimension;
      shapes.add(new Shape(out, in));
      shapes.add(new Shape(out));
      in = out;
    }
    return shapes;
  }

  /** The number of trainable parameters. */
  public long parameterCount() {
    return parameterShapes().stream().mapToLong(Shape::size).sum();
  }
}
