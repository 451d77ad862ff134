package io.sampleforge.diffusion.training;

import ai.djl.training.tracker.PolynomialDecayTracker;
import ai.djl.training.tracker.Tracker;
import io.sampleforge.errors.ConfigException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Adam's learning rate over the training's S steps (config key {@code lr_schedule}): {@link #CONSTANT}
 * or {@link #LINEAR}, lr_s = lr (1 - s / S), TabDDPM's {@code anneal_lr} (Kotelnikov et al. 2023),
 * as DJL's {@link PolynomialDecayTracker} with power 1 and end value 0. O(1) per step.
 */
public enum LearningRateSchedule {
  CONSTANT("constant"),
  LINEAR("linear");

  private final String id;

  LearningRateSchedule(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static LearningRateSchedule parse(String key, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (LearningRateSchedule s : values()) {
      if (s.id.equals(v)) {
        return s;
      }
    }
    throw ConfigException.of(key, "must be one of " + Arrays.stream(values()).map(LearningRateSchedule::id).toList(),
        value);
  }

  /** DJL's tracker for a base rate over {@code steps} optimiser steps. */
  Tracker tracker(double learningRate, int steps) {
    return switch (this) {
      case CONSTANT -> Tracker.fixed((float) learningRate);
      case LINEAR -> PolynomialDecayTracker.builder().setBaseValue((float) learningRate).setEndLearningRate(0f)
          .setDecaySteps(Math.max(1, steps)).optPower(1f).build();
    };
  }
}
