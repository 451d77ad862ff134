package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.io.Serializable;

/**
 * Validated settings of ODD's logit repulsion ({@link OddSampler}; sean-lamont/odd {@code
 * strategies.py::ODDStrategy}, {@code conf/strategy/odd.yaml}): {@code odd_alpha} 16 (the step size
 * alpha; step i of {@code steps} uses alpha (1 - i / steps); 0 = plain LLaDA decoding), {@code
 * odd_quality_scale} 1 (the weight of a sample's confidence in its loss), {@code odd_protected_ids}
 * (the token ids whose gradient column is zeroed, the reference's EOS and PAD ids; may be empty),
 * {@code odd_confidence_weighting} true (the reference's {@code use_confidence_weighting}, {@code
 * conf/config.yaml}: true multiplies each sample's loss by its quality q, the mean max-probability
 * over its masked positions, and differentiates through q; false is {@code feature_extractor.py}'s
 * {@code quality = torch.ones(...)}, q = 1, so the loss is -s &lt;v, d&gt; and only the repulsion acts;
 * see {@link OddRepulsion}). Errors are {@link ConfigException}s (exit code 2) naming the key and the
 * value.
 */
public record OddSettings(double alpha, double qualityScale, int[] protectedIds, boolean confidenceWeighting)
    implements Serializable {
  /** With confidence weighting, the reference's default (the settings before the flag existed). */
  public OddSettings(double alpha, double qualityScale, int[] protectedIds) {
    this(alpha, qualityScale, protectedIds, true);
  }

  public OddSettings {
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw ConfigException.of("odd_alpha", "must be a finite float >= 0 (0 = no repulsion)", alpha);
    }
    if (!(qualityScale >= 0) || Double.isInfinite(qualityScale)) {
      throw ConfigException.of("odd_quality_scale", "must be a finite float >= 0", qualityScale);
    }
    protectedIds = protectedIds == null ? new int[0] : protectedIds.clone();
    for (int id : protectedIds) {
      if (id < 0) {
        throw ConfigException.of("odd_protected_ids", "must hold token ids >= 0", id);
      }
    }
  }

  /**
   * The reference's defaults: alpha 16, quality_scale 1, no protected ids (the job passes EOS and
   * PAD), confidence weighting on.
   */
  public static OddSettings defaults() {
    return new OddSettings(16, 1, new int[0], true);
  }

  @Override
  public int[] protectedIds() {
    return protectedIds.clone();
  }

  /** alpha (1 - step / steps): the step size of global step {@code step} of {@code steps}. */
  public double alphaAt(int step, int steps) {
    return alpha * (1 - (double) step / steps);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OddSettings s && Double.compare(alpha, s.alpha) == 0
        && Double.compare(qualityScale, s.qualityScale) == 0 && java.util.Arrays.equals(protectedIds, s.protectedIds)
        && confidenceWeighting == s.confidenceWeighting;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(alpha, qualityScale, java.util.Arrays.hashCode(protectedIds), confidenceWeighting);
  }

  @Override
  public String toString() {
    return "OddSettings[alpha=" + alpha + ", qualityScale=" + qualityScale + ", protectedIds="
        + java.util.Arrays.toString(protectedIds) + ", confidenceWeighting=" + confidenceWeighting + "]";
  }
}
