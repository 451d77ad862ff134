package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Dream's {@code alg} (Dream-org Dream-v0 {@code generation_utils.py}, {@code _sample} and {@code
 * sample_tokens}): how the {@link DreamSampler} chooses the positions it unmasks in a step t -> s.
 * The confidences are computed on the tempered distribution p_T (softmax(logits / T); T = 0: the
 * plain softmax) from which the value x0 is drawn.
 * <ul>
 *   <li>{@link #ORIGIN} ({@code origin}, Dream's default): every masked position unmasks
 *       independently with probability 1 - s/t (1 in the last step), its value drawn from p_T: the
 *       MDLM ancestral update under the linear schedule alpha = 1 - t.</li>
 *   <li>{@link #MASKGIT_PLUS} ({@code maskgit_plus}): confidence p_T(x0), the probability of the
 *       drawn value (value-dependent: biased even at one token per step).</li>
 *   <li>{@link #TOPK_MARGIN} ({@code topk_margin}): top1 - top2 of p_T (value-independent).</li>
 *   <li>{@link #ENTROPY} ({@code entropy}): sum_v p_T(v) log(p_T(v) + 1e-10), the negative entropy
 *       with Dream's epsilon (value-independent).</li>
 * </ul>
 */
public enum DreamAlgorithm {
  ORIGIN("origin"),
  MASKGIT_PLUS("maskgit_plus"),
  TOPK_MARGIN("topk_margin"),
  ENTROPY("entropy");

  private final String id;

  DreamAlgorithm(String id) {
    this.id = id;
  }

  /** The config name. */
  public String id() {
    return id;
  }

  /** The algorithm named {@code value} under config key {@code key}; a ConfigException lists the choices. */
  public static DreamAlgorithm parse(String key, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    for (DreamAlgorithm a : values()) {
      if (a.id.equals(v)) {
        return a;
      }
    }
    throw ConfigException.of(key, "must be one of " + Arrays.stream(values()).map(DreamAlgorithm::id).toList(), value);
  }
}
