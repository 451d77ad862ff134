package io.sampleforge.diffusion.discrete;

import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the {@link ParallelDecodingSampler}'s commit rules threshold (config key {@code
 * confidence}); both are temperature-free (computed on the model's distribution q, not on q^(1/T)).
 * <ul>
 *   <li>{@link #DRAWN} ({@code drawn}): q(x0), the probability of the value x0 already drawn for the
 *       position (LLaDA {@code low_confidence}, Fast-dLLM's {@code get_transfer_index}). It selects
 *       on the value, so the law is biased even at one token per step with an exact model
 *       (shared/notes/samplers.md, "Checked fact").</li>
 *   <li>{@link #MAX_PROBABILITY} ({@code max_probability}): max_v q(v), a function of the current
 *       state alone; the committed positions' values are drawn from their conditionals after they
 *       are chosen, so one token per step is exact with an exact model. Not in Fast-dLLM: the
 *       value-independent variant asked for by issue 21.</li>
 * </ul>
 * At temperature 0 both give the same tokens (x0 is the argmax, so q(x0) = max q).
 */
public enum ConfidenceKind {
  DRAWN("drawn", false),
  MAX_PROBABILITY("max_probability", true);

  private final String id;
  private final boolean valueIndependent;

  ConfidenceKind(String id, boolean valueIndependent) {
    this.id = id;
    this.valueIndependent = valueIndependent;
  }

  /** The config name. */
  public String id() {
    return id;
  }

  /** Whether the confidence ignores the drawn value (then one token per step is exact with an exact model). */
  public boolean valueIndependent() {
    return valueIndependent;
  }

  /** The kind named {@code value} under config key {@code key}; a ConfigException lists the choices. */
  public static ConfidenceKind parse(String key, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    for (ConfidenceKind k : values()) {
      if (k.id.equals(v)) {
        return k;
      }
    }
    throw ConfigException.of(key, "must be one of " + Arrays.stream(values()).map(ConfidenceKind::id).toList(), value);
  }
}
