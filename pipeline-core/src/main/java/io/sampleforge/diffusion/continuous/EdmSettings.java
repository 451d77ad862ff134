package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Settings of the deterministic EDM probability-flow ODE solvers (Karras et al. 2022, algorithm 1 with
 * S_churn = 0).
 *
 * @param method {@code method}: {@code euler} (diffusers' {@code EulerDiscreteScheduler}) or
 *     {@code heun} (diffusers' {@code HeunDiscreteScheduler})
 */
public record EdmSettings(Method method) implements java.io.Serializable {
  public static final EdmSettings EULER = new EdmSettings(Method.EULER);
  public static final EdmSettings HEUN = new EdmSettings(Method.HEUN);

  public EdmSettings {
    if (method == null) {
      throw ConfigException.of("method", "is required (euler or heun)", null);
    }
  }

  /** The integrator. */
  public enum Method {
    /** First order, one model call per step. */
    EULER("euler"),
    /** Second order (trapezoid corrector), two calls per step except a last step onto sigma = 0. */
    HEUN("heun");

    private final String id;

    Method(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static Method parse(String key, String value) {
      return ConfigNames.parse(key, value, values(), Method::id);
    }
  }
}
