package io.sampleforge.spark.diffusion;

import io.sampleforge.diffusion.continuous.ConditionalDenoiser;
import io.sampleforge.diffusion.continuous.Denoiser;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Gaussian diffusion model as the {@code diffuse} stage ships it to executors: serialisable
 * config, opened once per task into a {@link Denoiser} ({@link #open}). The model works in its own
 * space (for a fitted or trained model: standardised columns); {@link #standardisation} maps a
 * sample back to the table's units, and {@link #columns} names the D output columns.
 */
public interface GaussianModelSpec extends Serializable {
  /** The per-row dimension D. */
  int dimension();

  /** The names of the D value columns of the output. */
  List<String> columns();

  /** How model-space samples map to output units. */
  Standardisation standardisation();

  /** What identifies the model (the {@code model} output column and the manifest). */
  Map<String, Object> identity();

  /** Opens the denoiser on the calling executor; the caller closes the handle. */
  DenoiserHandle open();

  /** The exact prior in model space, where the model is an exact one (quality metrics against exact draws). */
  default Optional<GaussianMixture> exactPrior() {
    return Optional.empty();
  }

  /**
   * The number of classes K of a class-conditional model (labels 0 .. K - 1, K the null class), 0 for an
   * unconditional one. A conditional model's {@link DenoiserHandle#denoiser()} is its null-class model.
   */
  default int numClasses() {
    return 0;
  }

  /** The exact law of class {@code label} (K: the marginal) in model space, for an exact conditional model. */
  default Optional<GaussianMixture> exactPrior(int label) {
    return label == numClasses() ? exactPrior() : Optional.empty();
  }

  /** An opened denoiser and whatever native resources it holds. */
  interface DenoiserHandle extends AutoCloseable {
    /** The unconditional model (a conditional model's null class). */
    Denoiser denoiser();

    /** The class-conditional model, where {@link #numClasses()} > 0. */
    default ConditionalDenoiser conditional() {
      throw new UnsupportedOperationException("an unconditional model has no class-conditional form");
    }

    @Override
    void close();
  }
}
