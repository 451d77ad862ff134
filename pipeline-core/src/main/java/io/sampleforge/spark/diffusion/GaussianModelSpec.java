package io.sampleforge.spark.diffusion;

import io.sampleforge.diffusion.continuous.ConditionalDenoiser;
import io.sampleforge.diffusion.continuous.Denoiser;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.training.OneHotEncoding;
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

  /**
   * The names of the value columns of the output: the D model columns (double), or, for a model with
   * one-hot categorical columns ({@link #oneHot()}), its numeric columns (double) then its categorical
   * columns (string, the argmax level).
   */
  List<String> columns();

  /** How the D model columns decode to numeric and categorical output columns, for a model trained on both. */
  default Optional<OneHotEncoding> oneHot() {
    return Optional.empty();
  }

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

  /**
   * Why {@link DenoiserHandle#differentiable()} is not available, or null where it is (a network that DJL
   * autograd can differentiate): what the gradient-guided posterior samplers (tds, dps) need of a prior
   * that is not an exact mixture.
   */
  default String notDifferentiable() {
    return "it is not a network that DJL autograd can differentiate";
  }

  /** An opened denoiser and whatever native resources it holds. */
  interface DenoiserHandle extends AutoCloseable {
    /** The unconditional model (a conditional model's null class). */
    Denoiser denoiser();

    /** The class-conditional model, where {@link #numClasses()} > 0. */
    default ConditionalDenoiser conditional() {
      throw new UnsupportedOperationException("an unconditional model has no class-conditional form");
    }

    /**
     * The unconditional model as a {@link io.sampleforge.diffusion.posterior.DifferentiableDenoiser} (DJL
     * autograd), opened once per handle and closed with it; where {@link #notDifferentiable()} is null.
     */
    default io.sampleforge.diffusion.posterior.DifferentiableDenoiser differentiable() {
      throw new UnsupportedOperationException("this model cannot be differentiated");
    }

    @Override
    void close();
  }
}
