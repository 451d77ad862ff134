package io.sampleforge.spark.text;

import io.sampleforge.diffusion.discrete.AncestralSampler;
import io.sampleforge.diffusion.discrete.CacheMode;
import io.sampleforge.diffusion.discrete.CommitRule;
import io.sampleforge.diffusion.discrete.ConfidenceKind;
import io.sampleforge.diffusion.discrete.ParallelDecodingSampler;
import io.sampleforge.diffusion.discrete.ParallelDecodingSettings;
import io.sampleforge.diffusion.discrete.AncestralSettings;
import io.sampleforge.diffusion.discrete.DreamSampler;
import io.sampleforge.diffusion.discrete.DreamSettings;
import io.sampleforge.diffusion.discrete.FirstHittingSampler;
import io.sampleforge.diffusion.discrete.FirstHittingSettings;
import io.sampleforge.diffusion.discrete.LladaSampler;
import io.sampleforge.diffusion.discrete.LladaSettings;
import io.sampleforge.diffusion.discrete.MaskedDiffusionSampler;
import io.sampleforge.diffusion.discrete.OddSampler;
import io.sampleforge.diffusion.discrete.OddSettings;
import io.sampleforge.diffusion.discrete.RegexReward;
import io.sampleforge.diffusion.discrete.RemaskingRule;
import io.sampleforge.diffusion.discrete.SequenceReward;
import io.sampleforge.diffusion.discrete.SvddSampler;
import io.sampleforge.diffusion.discrete.SvddSettings;
import io.sampleforge.diffusion.discrete.TokenText;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.model.TorchScriptScorer;
import io.sampleforge.spark.common.TaskDevices;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * The masked-diffusion sampler {@link MaskedDiffusionGeneration} runs (the kernels of {@code
 * io.sampleforge.diffusion.discrete}; their sources are named there): ancestral (MDLM), first-hitting,
 * LLaDA, Dream, ODD (LLaDA with repulsion between the samples of one prompt) and SVDD (reward-guided
 * ancestral). LLaDA and ODD generate the last gen_length positions of a row; here gen_length is the
 * row's generated span, model.length minus its prompt's length, so their settings are made per
 * prompt length ({@link Llada#settings}). Cost: O(1) per sampler built.
 */
public sealed interface DiffusionKernel extends Serializable {
  /**
   * The sampler for rows whose generated span has {@code genLength} >= 1 positions, keyed by {@code seed};
   * {@code tokens} are the model's mask and end-of-sequence ids and token strings (what ODD leaves out
   * of its repulsion and a reward reads).
   */
  MaskedDiffusionSampler sampler(int genLength, long seed, TokenSpace tokens);

  /** The sampler as JSON, for the output's {@code sampler} column and the manifest. */
  String describe();

  /** Whether a model call may only batch rows of one prompt length (LLaDA's span is the last gen_length positions). */
  default boolean onePromptLengthPerCall() {
    return false;
  }

  /**
   * Checks the settings for a generated span of {@code genLength} >= 1 positions (LLaDA and ODD: block_length
   * divides it and steps is a multiple of its blocks); a ConfigException names the key.
   */
  default void checkSpan(int genLength) {}

  /**
   * Checks on the driver what the sampler loads besides the model (SVDD's reward model), for token ids
   * in [0, {@code vocab}); a ConfigException names the key.
   */
  default void checkFiles(int vocab) {}

  /** Whether all samples of a prompt must be in one call (ODD repels them from each other). */
  default boolean wholePromptPerCall() {
    return false;
  }

  /** MDLM ancestral sampling. */
  record Ancestral(AncestralSettings settings) implements DiffusionKernel {
    @Override
    public MaskedDiffusionSampler sampler(int genLength, long seed, TokenSpace tokens) {
      return new AncestralSampler(settings, seed);
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "{\"sampler\":\"ancestral\",\"steps\":%d,\"schedule\":\"%s\",\"eps\":%s,"
          + "\"cache\":%b,\"noise_removal\":%b}", settings.steps(), settings.schedule().id(),
          Double.toString(settings.eps()), settings.cache(), settings.noiseRemoval());
    }
  }

  /** First-hitting sampling. */
  record FirstHitting(FirstHittingSettings settings) implements DiffusionKernel {
    @Override
    public MaskedDiffusionSampler sampler(int genLength, long seed, TokenSpace tokens) {
      return new FirstHittingSampler(settings, seed);
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "{\"sampler\":\"first-hitting\",\"schedule\":\"%s\",\"tokens_per_step\":%d,"
          + "\"exact\":%b}", settings.schedule().id(), settings.tokensPerStep(), settings.exact());
    }
  }

  /**
   * LLaDA with gen_length = the row's generated span; {@code blockLength} null = the whole span (one
   * block), {@code steps} null = the span (one token per step). The single-key rules are checked here
   * (a ConfigException naming the key); block_length dividing gen_length and steps being a multiple of
   * the blocks are checked per prompt length by {@link #settings}.
   */
  record Llada(Integer blockLength, Integer steps, double temperature, double cfgScale, RemaskingRule remasking)
      implements DiffusionKernel {
    public Llada {
      int b = blockLength != null ? blockLength : 1;
      new LladaSettings(Math.max(b, 1), b, steps != null ? steps : 1, temperature, cfgScale, remasking);
    }

    /** The settings for a generated span of {@code genLength} >= 1 positions. */
    public LladaSettings settings(int genLength) {
      return new LladaSettings(genLength, blockLength != null ? blockLength : genLength, steps != null ? steps
          : genLength, temperature, cfgScale, remasking);
    }

    @Override
    public void checkSpan(int genLength) {
      settings(genLength);
    }

    @Override
    public MaskedDiffusionSampler sampler(int genLength, long seed, TokenSpace tokens) {
      return new LladaSampler(settings(genLength), seed);
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "{\"sampler\":\"llada\",\"gen_length\":\"model.length - prompt length\","
          + "\"block_length\":%s,\"steps\":%s,\"temperature\":%s,\"cfg_scale\":%s,\"remasking\":\"%s\"}",
          blockLength == null ? "\"gen_length\"" : blockLength, steps == null ? "\"gen_length\"" : steps,
          Double.toString(temperature), Double.toString(cfgScale), remasking.id());
    }

    @Override
    public boolean onePromptLengthPerCall() {
      return true;
    }
  }

  /** Dream; {@code top_p} 1.0 and {@code top_k} null in the JSON mean off. */
  record Dream(DreamSettings settings) implements DiffusionKernel {
    @Override
    public MaskedDiffusionSampler sampler(int genLength, long seed, TokenSpace tokens) {
      return new DreamSampler(settings, seed);
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "{\"sampler\":\"dream\",\"steps\":%d,\"eps\":%s,\"alg\":\"%s\",\"alg_temp\":%s,"
          + "\"temperature\":%s,\"top_p\":%s,\"top_k\":%s}", settings.steps(), Double.toString(settings.eps()),
          settings.alg().id(), Double.toString(settings.algTemp()), Double.toString(settings.temperature()),
          Double.toString(settings.topP()), settings.topK() == 0 ? "null" : Integer.toString(settings.topK()));
    }
  }

  /**
   * ODD: {@link Llada} decoding whose samples of one prompt repel each other; the model's
   * end-of-sequence ids join the protected ids (their columns are zeroed in the repulsion gradient,
   * as the reference zeroes EOS and PAD); {@code odd_confidence_weighting} as in {@link
   * OddSettings#confidenceWeighting()}.
   */
  record Odd(Llada llada, OddSettings odd) implements DiffusionKernel {
    public Odd {
      if (llada == null || odd == null) {
        throw new IllegalArgumentException("ODD needs the LLaDA and the ODD settings");
      }
    }

    @Override
    public void checkSpan(int genLength) {
      llada.settings(genLength);
    }

    @Override
    public MaskedDiffusionSampler sampler(int genLength, long seed, TokenSpace tokens) {
      int[] own = odd.protectedIds();
      int[] eos = tokens.eosIds();
      int[] all = java.util.stream.IntStream.concat(java.util.Arrays.stream(own), java.util.Arrays.stream(eos)).distinct()
          .toArray();
      return new OddSampler(llada.settings(genLength), new OddSettings(odd.alpha(), odd.qualityScale(), all,
          odd.confidenceWeighting()), seed);
    }

    @Override
    public String describe() {
      String l = llada.describe();
      return "{\"sampler\":\"odd\"," + l.substring(l.indexOf(',') + 1, l.length() - 1) + String.format(Locale.ROOT,
          ",\"odd_alpha\":%s,\"odd_quality_scale\":%s,\"odd_confidence_weighting\":%s}", Double.toString(odd.alpha()),
          Double.toString(odd.qualityScale()), odd.confidenceWeighting());
    }

    @Override
    public boolean onePromptLengthPerCall() {
      return true;
    }

    @Override
    public boolean wholePromptPerCall() {
      return true;
    }
  }

  /**
   * Fast-dLLM / Fast-dLLM++ parallel decoding ({@link ParallelDecodingSampler}) with gen_length = the
   * row's generated span and {@code blockLength} null = that span (one block): each step commits the
   * positions of the current block chosen by {@code rule} from the {@code confidence} kind. Defaults
   * (Fast-dLLM's): the threshold rule with tau 0.9, the drawn-token confidence; factor 1.0;
   * frechet_margin 0.25 (Fast-dLLM++'s); no key/value cache ({@code kv_cache}: none, prefix or dual,
   * which needs a model under the cached masked contract).
   */
  record Parallel(Integer blockLength, double temperature, ConfidenceKind confidence, CommitRule rule,
      CacheMode kvCache) implements DiffusionKernel {
    /** Fast-dLLM's threshold default. */
    public static final double DEFAULT_THRESHOLD = 0.9;
    /** Fast-dLLM's factor default. */
    public static final double DEFAULT_FACTOR = 1.0;
    /** Fast-dLLM++'s margin default. */
    public static final double DEFAULT_FRECHET_MARGIN = 0.25;

    public Parallel {
      int b = blockLength != null ? blockLength : 1;
      new ParallelDecodingSettings(Math.max(b, 1), b, temperature, confidence, rule, kvCache);
    }

    /**
     * From the config values (null = default); a value for another rule's key is refused naming
     * commit_rule and the key.
     */
    public static Parallel of(Integer blockLength, double temperature, String confidence, String commitRule,
        Double threshold, Double factor, Double frechetMargin, String kvCache) {
      String r = commitRule == null ? "threshold" : commitRule.trim().toLowerCase(Locale.ROOT).replace('-', '_');
      String[] keys = {"threshold", "factor", "frechet_margin"};
      String[] rules = {"threshold", "factor", "frechet_profile"};
      Double[] values = {threshold, factor, frechetMargin};
      for (int i = 0; i < keys.length; i++) {
        if (values[i] != null && !r.equals(rules[i])) {
          throw ConfigException.of("commit_rule/" + keys[i], "applies to commit_rule " + rules[i] + " only (commit_rule"
              + " is " + r + ")", values[i]);
        }
      }
      CommitRule rule = switch (r) {
        case "threshold" -> new CommitRule.Threshold(threshold != null ? threshold : DEFAULT_THRESHOLD);
        case "factor" -> new CommitRule.Factor(factor != null ? factor : DEFAULT_FACTOR);
        case "frechet_profile" -> new CommitRule.Profile(frechetMargin != null ? frechetMargin : DEFAULT_FRECHET_MARGIN);
        default -> throw ConfigException.of("commit_rule", "must be one of threshold, factor, frechet_profile",
            "'" + commitRule + "'");
      };
      return new Parallel(blockLength, temperature, confidence == null ? ConfidenceKind.DRAWN
          : ConfidenceKind.parse("confidence", confidence), rule,
          kvCache == null ? CacheMode.NONE : CacheMode.parse("kv_cache", kvCache));
    }

    /** The settings for a generated span of {@code genLength} >= 1 positions. */
    public ParallelDecodingSettings settings(int genLength) {
      return new ParallelDecodingSettings(genLength, blockLength != null ? blockLength : genLength, temperature,
          confidence, rule, kvCache);
    }

    @Override
    public void checkSpan(int genLength) {
      settings(genLength);
    }

    @Override
    public MaskedDiffusionSampler sampler(int genLength, long seed, TokenSpace tokens) {
      return new ParallelDecodingSampler(settings(genLength), seed);
    }

    @Override
    public boolean onePromptLengthPerCall() {
      return true;
    }

    @Override
    public String describe() {
      String parameter = rule instanceof CommitRule.Threshold t ? "\"threshold\":" + t.tau()
          : rule instanceof CommitRule.Factor f ? "\"factor\":" + f.factor()
          : "\"frechet_margin\":" + ((CommitRule.Profile) rule).margin();
      return String.format(Locale.ROOT, "{\"sampler\":\"parallel\",\"gen_length\":\"model.length - prompt length\","
          + "\"block_length\":%s,\"temperature\":%s,\"confidence\":\"%s\",\"commit_rule\":\"%s\",%s,"
          + "\"kv_cache\":\"%s\"}", blockLength == null ? "\"gen_length\"" : blockLength, Double.toString(temperature),
          confidence.id(), rule.id(), parameter, kvCache.id());
    }
  }

  /**
   * SVDD with a {@link RegexReward} over the whole sequence (prompt included): the token strings joined
   * by single spaces, mask and end-of-sequence positions skipped; or with a reward model ({@link
   * TorchScriptScorer}: token ids [B, L] -> scores [B], a local file every executor reads), loaded
   * once per executor JVM on the task's device. Exactly one of the two.
   */
  record Svdd(SvddSettings settings, String rewardRegex, String rewardModel) implements DiffusionKernel {
    public Svdd {
      if (settings == null) {
        throw new IllegalArgumentException("SVDD needs its settings");
      }
      if ((rewardRegex == null) == (rewardModel == null)) {
        throw ConfigException.of("reward_regex/reward_model", "the svdd sampler needs exactly one reward: reward_regex "
            + "(a java.util.regex pattern over the token strings joined by spaces; the reward is its number of "
            + "matches) or reward_model (a torchscript scorer: token ids [B, L] -> scores [B])", "reward_regex="
            + rewardRegex + ", reward_model=" + rewardModel);
      }
      if (rewardRegex != null) {
        reward(List.of("x"), new int[] {1}, rewardRegex);
      }
    }

    @Override
    public void checkFiles(int vocab) {
      if (rewardModel != null) {
        TaskDevices.configureThreads();
        TorchScriptScorer.load(java.nio.file.Path.of(rewardModel), vocab, ai.djl.Device.cpu());
      }
    }

    private static String quote(String s) {
      StringBuilder b = new StringBuilder("\"");
      for (char c : s.toCharArray()) {
        if (c == '"' || c == '\\') {
          b.append('\\').append(c);
        } else if (c < 0x20) {
          b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
        } else {
          b.append(c);
        }
      }
      return b.append('"').toString();
    }

    private static RegexReward reward(List<String> vocabulary, int[] skipIds, String regex) {
      return new RegexReward(regex, new TokenText(vocabulary, skipIds, " "));
    }

    @Override
    public MaskedDiffusionSampler sampler(int genLength, long seed, TokenSpace tokens) {
      SequenceReward reward = rewardModel != null
          ? TorchScriptScorer.of(java.nio.file.Path.of(rewardModel), tokens.vocabularySize(), TaskDevices.current())
          : reward(tokens.vocabulary(), tokens.skipIds(), rewardRegex);
      return new SvddSampler(settings, reward, seed);
    }

    @Override
    public String describe() {
      String a = new Ancestral(settings.base()).describe();
      return "{\"sampler\":\"svdd\"," + a.substring(a.indexOf(',') + 1, a.length() - 1) + String.format(Locale.ROOT,
          ",\"svdd_candidates\":%d,\"svdd_alpha\":%s,\"svdd_rerank_fraction\":%s,\"%s\":%s}",
          settings.candidates(), Double.toString(settings.alpha()), Double.toString(settings.rerankFraction()),
          rewardRegex != null ? "reward_regex" : "reward_model", quote(rewardRegex != null ? rewardRegex : rewardModel));
    }
  }
}
