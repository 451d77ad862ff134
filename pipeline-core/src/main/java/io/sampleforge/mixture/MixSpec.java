package io.sampleforge.mixture;

import io.sampleforge.errors.ConfigException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A validated mixture specification: the {@link MixStrategy} and its parameter ({@code temperature} T
 * &gt; 0, explicit {@code weights}, or the {@link ScoreTransform} and score temperature tau of the
 * scores table), the {@code target} total (null: the largest total the weights allow before a source
 * runs out, Hugging Face's first_exhausted), per-source {@code caps} (a capped source never gives more
 * rows; its excess share goes to the others by the same weights), the {@link ExhaustionPolicy}, the
 * seed of the keyed within-source draws and the round number. Immutable; maps are copied sorted.
 */
public record MixSpec(MixStrategy strategy, Double temperature, Map<String, Double> weights,
    ScoreTransform scoreTransform, Double scoreTemperature, Long target, Map<String, Long> caps,
    ExhaustionPolicy exhausted, long seed, int round) {

  public MixSpec {
    if (strategy == null) {
      throw ConfigException.of("strategy", "is required (proportional, uniform, weights, temperature or scores)", null);
    }
    if (strategy == MixStrategy.TEMPERATURE) {
      temperature = temperature == null ? 1.0 : temperature;
      if (!(temperature > 0) || Double.isInfinite(temperature)) {
        throw ConfigException.of("temperature", "must be a finite number > 0 (p_i proportional to n_i^(1/T))",
            temperature);
      }
    } else if (temperature != null) {
      throw ConfigException.of("temperature", "applies to strategy temperature only (strategy is " + strategy.id() + ")",
          temperature);
    }
    if (strategy == MixStrategy.WEIGHTS) {
      if (weights == null || weights.isEmpty()) {
        throw ConfigException.of("weights", "must map each source to a weight >= 0 (strategy weights)", weights);
      }
      for (Map.Entry<String, Double> e : weights.entrySet()) {
        Double v = e.getValue();
        if (e.getKey() == null || v == null || !Double.isFinite(v) || v < 0) {
          throw ConfigException.of("weights", "must map each source to a finite weight >= 0; source '" + e.getKey()
              + "' has", v);
        }
      }
      weights = java.util.Collections.unmodifiableMap(new TreeMap<>(weights));
    } else if (weights != null) {
      throw ConfigException.of("weights", "applies to strategy weights only (strategy is " + strategy.id() + ")",
          weights);
    } else {
      weights = Map.of();
    }
    if (strategy == MixStrategy.SCORES) {
      scoreTransform = scoreTransform == null ? ScoreTransform.SOFTMAX : scoreTransform;
      scoreTemperature = scoreTemperature == null ? 1.0 : scoreTemperature;
      if (!(scoreTemperature > 0) || Double.isInfinite(scoreTemperature)) {
        throw ConfigException.of("scores.temperature", "must be a finite number > 0 (softmax(psi / tau))",
            scoreTemperature);
      }
      if (scoreTransform == ScoreTransform.WEIGHTS && scoreTemperature != 1.0) {
        throw ConfigException.of("scores.temperature", "applies to scores.transform softmax only", scoreTemperature);
      }
    } else {
      scoreTransform = null;
      scoreTemperature = null;
    }
    if (target != null && target < 0) {
      throw ConfigException.of("target", "must be a row count >= 0 (or null: as many as the weights allow)", target);
    }
    if (caps != null) {
      for (Map.Entry<String, Long> e : caps.entrySet()) {
        if (e.getKey() == null || e.getValue() == null || e.getValue() < 0) {
          throw ConfigException.of("caps", "must map sources to row counts >= 0; source '" + e.getKey() + "' has",
              e.getValue());
        }
      }
      caps = java.util.Collections.unmodifiableMap(new TreeMap<>(caps));
    } else {
      caps = Map.of();
    }
    exhausted = exhausted == null ? ExhaustionPolicy.STOP : exhausted;
    if (round < 0) {
      throw ConfigException.of("round", "must be >= 0", round);
    }
  }
}
