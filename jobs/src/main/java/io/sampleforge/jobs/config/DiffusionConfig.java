package io.sampleforge.jobs.config;

import io.sampleforge.diffusion.discrete.AncestralSettings;
import io.sampleforge.diffusion.discrete.DreamAlgorithm;
import io.sampleforge.diffusion.discrete.DreamSettings;
import io.sampleforge.diffusion.discrete.FirstHittingSettings;
import io.sampleforge.diffusion.discrete.LladaSettings;
import io.sampleforge.diffusion.discrete.MaskSchedule;
import io.sampleforge.diffusion.discrete.OddSettings;
import io.sampleforge.diffusion.discrete.RemaskingRule;
import io.sampleforge.diffusion.discrete.SvddSettings;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.spark.text.DiffusionKernel;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code diffusion:} block of the generate job (masked-diffusion sampling, {@code model.type:
 * markov-chain}): {@code sampler} first-hitting (default; exact at one token per model call),
 * ancestral (MDLM), llada, dream, odd or svdd, and each sampler's own keys ({@link #KEYS}; the
 * kernels' pages in docs/diffusion.md). A key of another sampler is refused (exit 2, naming
 * diffusion.sampler and the key) rather than ignored. Defaults are the kernels' own, except LLaDA's
 * gen_length, which is each row's generated span (model.length minus its prompt length), and its
 * block_length and steps, which default to that span (one block, one token per step). top_p and
 * top_k are Dream's per-position warpers (dream only: LLaDA's and ODD's reference has temperature
 * only, MDLM's, behind ancestral, first-hitting and SVDD, none; docs/diffusion.md).
 */
public record DiffusionConfig(String sampler, String schedule, Integer steps, Double eps, Boolean cache,
    Boolean noiseRemoval, Integer tokensPerStep, Integer blockLength, Double temperature, Double cfgScale,
    String remasking, String alg, Double algTemp, Double topP, Integer topK, Double oddAlpha, Double oddQualityScale,
    Boolean oddConfidenceWeighting, Integer svddCandidates, Double svddAlpha, Double svddRerankFraction,
    String rewardRegex, String rewardModel, String confidence, String commitRule, Double threshold, Double factor,
    Double frechetMargin, String kvCache) {
  /** The samplers, in the order the messages list them. */
  public static final List<String> SAMPLERS = List.of("first-hitting", "ancestral", "llada", "dream", "odd", "svdd",
      "parallel");
  /** Which samplers each optional key applies to. */
  static final Map<String, List<String>> KEYS = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>() {
    {
      put("schedule", List.of("first-hitting", "ancestral", "svdd"));
      put("steps", List.of("ancestral", "llada", "dream", "odd", "svdd"));
      put("eps", List.of("ancestral", "dream", "svdd"));
      put("cache", List.of("ancestral", "svdd"));
      put("noise_removal", List.of("ancestral", "svdd"));
      put("tokens_per_step", List.of("first-hitting"));
      put("block_length", List.of("llada", "odd", "parallel"));
      put("temperature", List.of("llada", "dream", "odd", "parallel"));
      put("cfg_scale", List.of("llada", "odd"));
      put("remasking", List.of("llada", "odd"));
      put("alg", List.of("dream"));
      put("alg_temp", List.of("dream"));
      put("top_p", List.of("dream"));
      put("top_k", List.of("dream"));
      put("odd_alpha", List.of("odd"));
      put("odd_quality_scale", List.of("odd"));
      put("odd_confidence_weighting", List.of("odd"));
      put("svdd_candidates", List.of("svdd"));
      put("svdd_alpha", List.of("svdd"));
      put("svdd_rerank_fraction", List.of("svdd"));
      put("reward_regex", List.of("svdd"));
      put("reward_model", List.of("svdd"));
      put("confidence", List.of("parallel"));
      put("commit_rule", List.of("parallel"));
      put("threshold", List.of("parallel"));
      put("factor", List.of("parallel"));
      put("frechet_margin", List.of("parallel"));
      put("kv_cache", List.of("parallel"));
    }
  });

  public DiffusionConfig {
    sampler = sampler == null ? "first-hitting" : sampler.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    if (!SAMPLERS.contains(sampler)) {
      throw ConfigException.of("diffusion.sampler", "must be one of " + String.join(", ", SAMPLERS), "'" + sampler + "'");
    }
    Object[] values = {schedule, steps, eps, cache, noiseRemoval, tokensPerStep, blockLength, temperature, cfgScale,
        remasking, alg, algTemp, topP, topK, oddAlpha, oddQualityScale, oddConfidenceWeighting, svddCandidates,
        svddAlpha, svddRerankFraction, rewardRegex, rewardModel, confidence, commitRule, threshold, factor, frechetMargin,
        kvCache};
    int i = 0;
    for (Map.Entry<String, List<String>> k : KEYS.entrySet()) {
      Object value = values[i++];
      if (value != null && !k.getValue().contains(sampler)) {
        throw ConfigException.of("diffusion.sampler/diffusion." + k.getKey(), "applies to diffusion.sampler "
            + String.join(", ", k.getValue()) + " only (diffusion.sampler is " + sampler + ")", value);
      }
    }
    try {
      build(sampler, schedule, steps, eps, cache, noiseRemoval, tokensPerStep, blockLength, temperature, cfgScale,
          remasking, alg, algTemp, topP, topK, oddAlpha, oddQualityScale, oddConfidenceWeighting, svddCandidates,
          svddAlpha, svddRerankFraction, rewardRegex, rewardModel, confidence, commitRule, threshold, factor, frechetMargin,
          kvCache);
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage().replaceFirst("parameter '", "parameter 'diffusion."));
    }
  }

  /** The defaults: first-hitting, log-linear, one token per model call. */
  public static DiffusionConfig defaults() {
    return new DiffusionConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** The sampler the Spark stage runs. */
  public DiffusionKernel kernel() {
    return build(sampler, schedule, steps, eps, cache, noiseRemoval, tokensPerStep, blockLength, temperature, cfgScale,
        remasking, alg, algTemp, topP, topK, oddAlpha, oddQualityScale, oddConfidenceWeighting, svddCandidates,
        svddAlpha, svddRerankFraction, rewardRegex, rewardModel, confidence, commitRule, threshold, factor, frechetMargin,
          kvCache);
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }

  private static DiffusionKernel build(String sampler, String schedule, Integer steps, Double eps, Boolean cache,
      Boolean noiseRemoval, Integer tokensPerStep, Integer blockLength, Double temperature, Double cfgScale,
      String remasking, String alg, Double algTemp, Double topP, Integer topK, Double oddAlpha, Double oddQualityScale,
      Boolean oddConfidenceWeighting, Integer svddCandidates, Double svddAlpha, Double svddRerankFraction,
      String rewardRegex, String rewardModel, String confidence, String commitRule, Double threshold, Double factor,
      Double frechetMargin, String kvCache) {
    AncestralSettings a = AncestralSettings.defaults();
    AncestralSettings ancestral = sampler.equals("ancestral") || sampler.equals("svdd")
        ? new AncestralSettings(or(steps, a.steps()), schedule != null ? MaskSchedule.parse("schedule", schedule)
            : a.schedule(), or(eps, a.eps()), or(cache, a.cache()), or(noiseRemoval, a.noiseRemoval())) : null;
    LladaSettings l = LladaSettings.defaults();
    DiffusionKernel.Llada llada = sampler.equals("llada") || sampler.equals("odd")
        ? new DiffusionKernel.Llada(blockLength, steps, or(temperature, l.temperature()), or(cfgScale, l.cfgScale()),
            remasking != null ? RemaskingRule.parse("remasking", remasking) : l.remasking()) : null;
    switch (sampler) {
      case "ancestral":
        return new DiffusionKernel.Ancestral(ancestral);
      case "llada":
        return llada;
      case "dream": {
        DreamSettings d = DreamSettings.defaults();
        if (topK != null && topK < 1) {
          throw ConfigException.of("top_k", "must be an integer >= 1 (leave it unset for no top-k)", topK);
        }
        return new DiffusionKernel.Dream(new DreamSettings(or(steps, d.steps()), or(eps, d.eps()),
            alg != null ? DreamAlgorithm.parse("alg", alg) : d.alg(), or(algTemp, d.algTemp()),
            or(temperature, d.temperature()), or(topP, d.topP()), or(topK, d.topK())));
      }
      case "odd": {
        OddSettings o = OddSettings.defaults();
        return new DiffusionKernel.Odd(llada, new OddSettings(or(oddAlpha, o.alpha()),
            or(oddQualityScale, o.qualityScale()), new int[0], or(oddConfidenceWeighting, o.confidenceWeighting())));
      }
      case "svdd": {
        SvddSettings s = SvddSettings.defaults();
        return new DiffusionKernel.Svdd(new SvddSettings(ancestral, or(svddCandidates, s.candidates()),
            or(svddAlpha, s.alpha()), or(svddRerankFraction, s.rerankFraction())), rewardRegex, rewardModel);
      }
      case "parallel":
        return DiffusionKernel.Parallel.of(blockLength, or(temperature, 0.0), confidence, commitRule, threshold, factor,
            frechetMargin, kvCache);
      default: {
        FirstHittingSettings f = FirstHittingSettings.defaults();
        return new DiffusionKernel.FirstHitting(new FirstHittingSettings(schedule != null
            ? MaskSchedule.parse("schedule", schedule) : f.schedule(), or(tokensPerStep, f.tokensPerStep())));
      }
    }
  }
}
