package io.sampleforge.random;

/** The job seed every family uses when none is configured (the one place this default is stated). */
public final class Seeds {
  /** 42, as in the reference tools' examples; any fixed value keeps runs reproducible. */
  public static final long DEFAULT = 42L;

  private Seeds() {}
}
