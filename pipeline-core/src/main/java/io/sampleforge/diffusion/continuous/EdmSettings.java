package io.sampleforge.diffusion.continuous;

import io.sampleforge.errors.ConfigException;

/**
 * Settings of the EDM solvers (Karras et al. 2022): the integrator and its churn. With {@link EdmChurn#OFF}
 * this is algorithm 1 (the deterministic probability-flow ODE); with s_churn > 0, Euler follows diffusers'
 * {@code EulerDiscreteScheduler.step} and Heun the paper's algorithm 2 ({@link EdmSolver}).
 *
 * @param method {@code method}: {@code euler} (diffusers' {@code EulerDiscreteScheduler}) or
 *     {@code heun} (diffusers' {@code HeunDiscreteScheduler}; with churn, EDM's algorithm 2)
 * @param churn {@code s_churn}, {@code s_tmin}, {@code s_tmax}, {@code s_noise}
 */
public record EdmSettings(Method method, EdmChurn churn) implements java.io.Serializable {
  public static final EdmSettings EULER = new EdmSettings(Method.EULER);
  public static final EdmSettings HEUN = new EdmSettings(Method.HEUN);

  public EdmSettings {
    if (method == null) {
      throw ConfigException.of("method", "is required (euler or heun)", null);
    }
    if (churn == null) {
      throw ConfigException.of("s_churn", "settings are required (EdmChurn.OFF for none)", null);
    }
  }

  /** The deterministic solver (no churn). */
  public EdmSettings(Method method) {
    this(method, EdmChurn.OFF);
  }

  /** A copy with the given churn. */
  public EdmSettings withChurn(EdmChurn c) {
    return new EdmSettings(method, c);
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
