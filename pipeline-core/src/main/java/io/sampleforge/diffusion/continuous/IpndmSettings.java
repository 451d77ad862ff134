package io.sampleforge.diffusion.continuous;

/**
 * The settings of {@link Ipndm} ({@code solver.name: ipndm}). diffusers' {@code IPNDMScheduler} has no
 * solver options: it is always fourth order ({@code pndm_order = 4}) with its fixed warm-up, and it has no
 * thresholding. This record is therefore empty; it exists so that {@link SolverKind#IPNDM} names a settings
 * type like every other solver. Cost: none.
 */
public record IpndmSettings() implements java.io.Serializable {
  /** diffusers' only configuration. */
  public static final IpndmSettings DIFFUSERS = new IpndmSettings();
}
