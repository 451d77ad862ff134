package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.Locale;

/**
 * How the {@link LladaSampler} ranks the masked positions of the current block (config key {@code
 * remasking}); the top-k are committed. The confidence is computed on the guided distribution q
 * without temperature (LLaDA {@code generate.py}: softmax of the logits, not of logits / T).
 * <ul>
 *   <li>{@link #LOW_CONFIDENCE} ({@code low_confidence}, LLaDA's default): q(x0), the probability of
 *       the value already drawn for the position. It selects on the value, so it is biased even at
 *       one token per step (shared/notes/samplers.md, "Checked fact").</li>
 *   <li>{@link #RANDOM} ({@code random}, LLaDA): a keyed uniform per (step, position).</li>
 *   <li>{@link #TOPK_MARGIN} ({@code topk_margin}) and {@link #ENTROPY} ({@code entropy}):
 *       extensions, not in LLaDA's {@code generate.py}: Dream's value-independent confidences
 *       (top1 - top2 of q; sum q log(q + 1e-10)) inside LLaDA's blocks. Chosen from the state alone,
 *       they keep one-token-per-step decoding exact for an exact model.</li>
 * </ul>
 */
public enum RemaskingRule {
  LOW_CONFIDENCE("low_confidence", false),
  RANDOM("random", true),
  TOPK_MARGIN("topk_margin", true),
  ENTROPY("entropy", true);

  private final String id;
  private final boolean valueIndependent;

  RemaskingRule(String id, boolean valueIndependent) {
    this.id = id;
    this.valueIndependent = valueIndependent;
  }

  /** The config name. */
  public String id() {
    return id;
  }

  /**
   * Whether the rank ignores the drawn value: then committing one token per step with an exact model
   * reproduces the data law exactly (the position is a function of the state; its value is drawn
   * from its conditional afterwards).
   */
  public boolean valueIndependent() {
    return valueIndependent;
  }

  /** The rule named {@code value} under config key {@code key}; a ConfigException lists the choices. */
  public static RemaskingRule parse(String key, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    for (RemaskingRule r : values()) {
      if (r.id.equals(v)) {
        return r;
      }
    }
    throw ConfigException.of(key, "must be one of " + Arrays.stream(values()).map(RemaskingRule::id).toList(), value);
  }
}
