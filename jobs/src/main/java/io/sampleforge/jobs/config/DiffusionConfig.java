package io.sampleforge.jobs.config;

import io.sampleforge.diffusion.discrete.AncestralSettings;
import io.sampleforge.diffusion.discrete.FirstHittingSettings;
import io.sampleforge.diffusion.discrete.MaskSchedule;
import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/**
 * The {@code diffusion:} block of the generate job (masked-diffusion sampling, {@code model.type:
 * markov-chain}): {@code sampler} first-hitting (default; exact at one token per model call) or
 * ancestral (MDLM), the {@code schedule}, and each sampler's own keys: {@code steps}, {@code eps},
 * {@code cache}, {@code noise_removal} (ancestral only) and {@code tokens_per_step} (first-hitting
 * only; > 1 is approximate). A key of the other sampler is refused rather than ignored. Defaults are
 * the kernels' own ({@link AncestralSettings#defaults()}, {@link FirstHittingSettings#defaults()}).
 */
public record DiffusionConfig(String sampler, String schedule, Integer steps, Double eps, Boolean cache,
    Boolean noiseRemoval, Integer tokensPerStep) {
  public DiffusionConfig {
    sampler = sampler == null ? "first-hitting" : sampler.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    if (!sampler.equals("first-hitting") && !sampler.equals("ancestral")) {
      throw ConfigException.of("diffusion.sampler", "must be first-hitting or ancestral", "'" + sampler + "'");
    }
    if (schedule != null) {
      MaskSchedule.parse("diffusion.schedule", schedule);
    }
    if (sampler.equals("first-hitting")) {
      refuse("steps", steps);
      refuse("eps", eps);
      refuse("cache", cache);
      refuse("noise_removal", noiseRemoval);
    } else if (tokensPerStep != null) {
      throw ConfigException.of("diffusion.sampler/diffusion.tokens_per_step", "applies to diffusion.sampler first-hitting only (the "
          + "ancestral sampler's parallelism is set by diffusion.steps)", tokensPerStep);
    }
    try {
      build(sampler, schedule, steps, eps, cache, noiseRemoval, tokensPerStep);
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage().replaceFirst("parameter '", "parameter 'diffusion."));
    }
  }

  private static void refuse(String key, Object value) {
    if (value != null) {
      throw ConfigException.of("diffusion.sampler/diffusion." + key, "applies to diffusion.sampler ancestral only (the first-hitting "
          + "sampler makes one model call per token, or per tokens_per_step tokens)", value);
    }
  }

  /** The defaults: first-hitting, log-linear, one token per model call. */
  public static DiffusionConfig defaults() {
    return new DiffusionConfig(null, null, null, null, null, null, null);
  }

  /** The kernel settings: an {@link AncestralSettings} or a {@link FirstHittingSettings}. */
  public Object settings() {
    return build(sampler, schedule, steps, eps, cache, noiseRemoval, tokensPerStep);
  }

  private static Object build(String sampler, String schedule, Integer steps, Double eps, Boolean cache,
      Boolean noiseRemoval, Integer tokensPerStep) {
    if (sampler.equals("ancestral")) {
      AncestralSettings d = AncestralSettings.defaults();
      return new AncestralSettings(steps != null ? steps : d.steps(),
          schedule != null ? MaskSchedule.parse("diffusion.schedule", schedule) : d.schedule(),
          eps != null ? eps : d.eps(), cache != null ? cache : d.cache(),
          noiseRemoval != null ? noiseRemoval : d.noiseRemoval());
    }
    FirstHittingSettings d = FirstHittingSettings.defaults();
    return new FirstHittingSettings(schedule != null ? MaskSchedule.parse("diffusion.schedule", schedule) : d.schedule(),
        tokensPerStep != null ? tokensPerStep : d.tokensPerStep());
  }
}
