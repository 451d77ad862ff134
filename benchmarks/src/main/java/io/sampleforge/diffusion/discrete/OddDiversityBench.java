package io.sampleforge.diffusion.discrete;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.model.ExportedMaskedDenoiser;
import io.sampleforge.model.ModelFormat;
import io.sampleforge.text.ToyGrammar;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Diversity and pass@k of ODD ({@link OddSampler}; sean-lamont/odd, "Free Lunch for Pass@k") against
 * plain LLaDA low-confidence decoding ({@link LladaSampler}, the same as ODD with alpha 0) at equal
 * NFE, on the toy_mlm masked LM (length 16, eos {@code </s>} = 2, mask 44). Every group is 8 samples
 * of one prompt decoded in one call (one record key, sample indices 0..7); the first 4 of a group are
 * exactly a group of 4 (sample j's repulsion depends only on samples 0..j, checked on a few groups).
 *
 * <p>Two tasks, verifier = the sample read up to its first {@code </s>}, only {@code </s>} after it,
 * is a sentence of {@link ToyGrammar} containing the target word W:
 * <ul>
 *   <li>{@code free}: fully masked rows; group g targets W = FREE_WORDS[g mod 12], words that a
 *       single LLaDA sample holds 0.5-3 % of the time, so pass@k measures coverage. Also reported:
 *       pass@k averaged over all 12 words for every group;</li>
 *   <li>{@code infill}: W given at position p (12 prompts), the rest masked.</li>
 * </ul>
 * pass@k = the fraction of groups in which at least one of the k samples decoded together passes
 * (not Chen et al.'s estimator, whose subsets of n iid samples ODD's non-exchangeable group does not
 * have; for alpha 0 that estimator from n = 8 is printed as a check). Standard errors are over
 * groups; the pass@k tests of LLaDA against ODD alpha 16 (with and without confidence weighting)
 * are a pooled two-proportion z-test and an exact McNemar test on the groups (paired: same seed and
 * keys). Samplers: LLaDA, ODD alpha 4, 16, 32 with confidence weighting (the reference's default),
 * ODD alpha 16 and 32 without it ({@link OddSettings#confidenceWeighting()} false, the reference's
 * {@code use_confidence_weighting: false}). Wall time: median of 3 interleaved rounds
 * on 64 groups. Prints Markdown. Cost: 6 samplers x (free + infill) groups x 8 samples x 16 model
 * calls of batch 128; ODD adds O(L V) float64 work per row and step.
 *
 * <pre>java -cp ... io.sampleforge.diffusion.discrete.OddDiversityBench MODEL_DIR FREE_GROUPS INFILL_GROUPS [TEMPERATURE] [SEED]</pre>
 */
public final class OddDiversityBench {
  private static final int LENGTH = 16;
  private static final int VOCAB = 45;
  private static final int MASK = 44;
  private static final int EOS = 2;
  private static final int N = 8;
  private static final int[] KS = {4, 8};
  /** One sampler of the comparison: ODD's alpha (0 = LLaDA) and whether its loss is confidence-weighted. */
  private record Variant(double alpha, boolean weighted) {}

  private static final Variant[] VARIANTS = {new Variant(0, true), new Variant(4, true), new Variant(16, true),
      new Variant(32, true), new Variant(16, false), new Variant(32, false)};
  private static final int GROUPS_PER_CALL = 16;
  private static final List<String> FREE_WORDS = List.of("big", "small", "happy", "red", "quiet", "old", "chase",
      "follow", "like", "see", "likes", "follows");
  private static final List<String> INFILL_WORDS = List.of("cat", "birds", "sings", "chase", "behind", "with", "quiet",
      "teachers", "sleep", "red", "near", "many");
  private static final int[] INFILL_POSITIONS = {2, 4, 8, 3, 4, 6, 1, 5, 8, 2, 3, 4};

  private OddDiversityBench() {}

  /** One task: per group its initial row and target word; {@code allWords} non-null for the free task. */
  private record Task(String name, int[][] initial, String[] target, List<String> allWords) {}

  /** The decoded groups of one sampler: tokens[g][j], mean NFE per sample, wall ms. */
  private record Decoded(int[][][] tokens, double nfe, double ms) {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int freeGroups = Integer.parseInt(args[1]);
    int infillGroups = Integer.parseInt(args[2]);
    double temperature = args.length > 3 ? Double.parseDouble(args[3]) : 1.0;
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 7;
    long started = System.nanoTime();
    String[] words = vocabulary(dir.resolve("tokenizer.json"));
    TokenText text = new TokenText(Arrays.asList(words), new int[0], " ");
    LladaSettings llada = new LladaSettings(LENGTH, LENGTH, LENGTH, temperature, 0, RemaskingRule.LOW_CONFIDENCE);
    List<Task> tasks = List.of(freeTask(freeGroups), infillTask(infillGroups, words));

    System.out.printf(Locale.ROOT, "toy_mlm, length 16, LLaDA low_confidence: gen_length 16, block_length 16, steps 16,"
        + " temperature %s, seed %d; groups of %d samples decoded together; ODD protected ids [%d] (</s>),"
        + " quality_scale 1, confidence weighting on unless the row says otherwise%n%n", temperature, seed, N, EOS);
    try (ExportedMaskedDenoiser model = ExportedMaskedDenoiser.load(ModelFormat.TORCHSCRIPT, dir.resolve("model.pt"), VOCAB, MASK,
        Device.cpu())) {
      decode(new LladaSampler(llada, seed), model, tasks.get(0), 0, GROUPS_PER_CALL, N);   // JIT / libtorch warm-up
      for (Task task : tasks) {
        Decoded[] byAlpha = new Decoded[VARIANTS.length];
        for (int a = 0; a < VARIANTS.length; a++) {
          byAlpha[a] = decode(sampler(llada, VARIANTS[a], seed), model, task, 0, task.initial.length, N);
        }
        report(task, byAlpha, text);
      }
      checkPrefix(model, llada, seed, tasks.get(0));
      timing(model, llada, seed, tasks.get(0));
    }
    System.out.printf(Locale.ROOT, "Total wall time %.0f s.%n", (System.nanoTime() - started) / 1e9);
  }

  private static MaskedDiffusionSampler sampler(LladaSettings llada, Variant v, long seed) {
    return v.alpha == 0 ? new LladaSampler(llada, seed)
        : new OddSampler(llada, new OddSettings(v.alpha, 1, new int[] {EOS}, v.weighted), seed);
  }

  private static Task freeTask(int groups) {
    int[][] initial = new int[groups][LENGTH];
    String[] target = new String[groups];
    for (int g = 0; g < groups; g++) {
      Arrays.fill(initial[g], MASK);
      target[g] = FREE_WORDS.get(g % FREE_WORDS.size());
    }
    return new Task("free", initial, target, FREE_WORDS);
  }

  private static Task infillTask(int groups, String[] words) {
    int[][] initial = new int[groups][LENGTH];
    String[] target = new String[groups];
    for (int g = 0; g < groups; g++) {
      Arrays.fill(initial[g], MASK);
      int i = g % INFILL_WORDS.size();
      target[g] = INFILL_WORDS.get(i);
      initial[g][INFILL_POSITIONS[i]] = Arrays.asList(words).indexOf(target[g]);
    }
    return new Task("infill", initial, target, null);
  }

  /** Decodes groups [from, to) of the task, {@code size} samples each, GROUPS_PER_CALL groups per call. */
  private static Decoded decode(MaskedDiffusionSampler sampler, MaskedDenoiser model, Task task, int from, int to, int size) {
    int[][][] tokens = new int[to - from][size][];
    long calls = 0;
    long start = System.nanoTime();
    long keyBase = task.allWords != null ? 0 : 1_000_000L;
    for (int g0 = from; g0 < to; g0 += GROUPS_PER_CALL) {
      int g1 = Math.min(to, g0 + GROUPS_PER_CALL);
      List<SequenceKey> keys = new ArrayList<>();
      List<int[]> rows = new ArrayList<>();
      for (int g = g0; g < g1; g++) {
        for (int j = 0; j < size; j++) {
          keys.add(new SequenceKey(keyBase + g, j));
          rows.add(task.initial[g].clone());
        }
      }
      List<DiffusionSample> out = sampler.sample(model, keys, rows.toArray(new int[0][]));
      for (int r = 0; r < out.size(); r++) {
        tokens[g0 - from + r / size][r % size] = out.get(r).tokens();
        calls += out.get(r).modelCalls();
      }
    }
    double ms = (System.nanoTime() - start) / 1e6;
    return new Decoded(tokens, (double) calls / ((to - from) * size), ms);
  }

  /** The words before the first {@code </s>}. */
  private static List<String> read(TokenText text, int[] tokens) {
    int end = 0;
    while (end < tokens.length && tokens[end] != EOS) {
      end++;
    }
    return text.words(Arrays.copyOf(tokens, end));
  }

  /** Only {@code </s>} after the first {@code </s>}, and the words before it form a sentence of the grammar. */
  private static boolean grammatical(ToyGrammar grammar, TokenText text, int[] tokens) {
    int end = 0;
    while (end < tokens.length && tokens[end] != EOS) {
      end++;
    }
    for (int l = end; l < tokens.length; l++) {
      if (tokens[l] != EOS) {
        return false;
      }
    }
    return grammar.grammatical(read(text, tokens));
  }

  private static void report(Task task, Decoded[] byAlpha, TokenText text) {
    ToyGrammar grammar = new ToyGrammar();
    int groups = task.initial.length;
    System.out.printf(Locale.ROOT, "### Task %s: %d groups of %d%n%n", task.name, groups, N);
    String header = "| k | sampler | NFE per sample | distinct-1 in group | distinct-2 in group | distinct-1 corpus"
        + " | distinct-2 corpus | pairwise similarity | grammatical | pass@k (group's W)"
        + (task.allWords != null ? " | pass@k (mean over the 12 words)" : "") + " |";
    System.out.println(header);
    System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|" + (task.allWords != null ? "---:|" : ""));
    Map<String, boolean[]> passes = new java.util.HashMap<>();
    for (int k : KS) {
      for (int a = 0; a < VARIANTS.length; a++) {
        Decoded d = byAlpha[a];
        double[] d1 = new double[groups];
        double[] d2 = new double[groups];
        double[] sim = new double[groups];
        double[] gram = new double[groups];
        double[] cover = new double[groups];
        List<List<String>> corpus = new ArrayList<>();
        boolean[] pass = new boolean[groups];
        for (int g = 0; g < groups; g++) {
          List<List<String>> group = new ArrayList<>();
          int good = 0;
          boolean[] wordHit = new boolean[task.allWords != null ? task.allWords.size() : 0];
          for (int j = 0; j < k; j++) {
            int[] t = d.tokens[g][j];
            List<String> s = read(text, t);
            group.add(s);
            boolean ok = grammatical(grammar, text, t);
            good += ok ? 1 : 0;
            pass[g] |= ok && s.contains(task.target[g]);
            for (int w = 0; w < wordHit.length; w++) {
              wordHit[w] |= ok && s.contains(task.allWords.get(w));
            }
          }
          corpus.addAll(group);
          d1[g] = DiversityStats.distinct(group, 1);
          d2[g] = DiversityStats.distinct(group, 2);
          sim[g] = DiversityStats.meanPairwiseCosine(group);
          gram[g] = (double) good / k;
          int hits = 0;
          for (boolean h : wordHit) {
            hits += h ? 1 : 0;
          }
          cover[g] = wordHit.length == 0 ? 0 : (double) hits / wordHit.length;
        }
        int x = count(pass);
        double p = (double) x / groups;
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT,
            "| %d | %s | %.2f | %s | %s | %.4f | %.4f | %s | %s | %.3f ± %.3f", k, name(VARIANTS[a]), d.nfe,
            pm(d1), pm(d2), DiversityStats.distinct(corpus, 1), DiversityStats.distinct(corpus, 2), pm(sim), pm(gram),
            p, Math.sqrt(p * (1 - p) / groups)));
        if (task.allWords != null) {
          row.append(" | ").append(pm(cover));
        }
        row.append(" |");
        System.out.println(row);
        passes.put(task.name + "/" + k + "/" + a, pass);
      }
    }
    System.out.println();
    if (task.allWords != null) {
      perWord(task, byAlpha, text, grammar);
    }
    System.out.println("pass@k: alpha 0 against alpha 16, with and without confidence weighting (groups passing;"
        + " pooled two-proportion z-test; exact McNemar test on the groups, paired by key and seed):");
    System.out.println();
    for (Variant v : List.of(new Variant(16, true), new Variant(16, false))) {
      int a16 = indexOf(v);
      for (int k : KS) {
        boolean[] p0 = passes.get(task.name + "/" + k + "/0");
        boolean[] p16 = passes.get(task.name + "/" + k + "/" + a16);
        int x0 = count(p0);
        int x16 = count(p16);
        double[] zt = DiversityStats.twoProportion(x0, groups, x16, groups);
        int onlyA = 0;
        int onlyB = 0;
        for (int g = 0; g < groups; g++) {
          onlyA += p0[g] && !p16[g] ? 1 : 0;
          onlyB += !p0[g] && p16[g] ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "- k = %d: LLaDA %d / %d, %s %d / %d; z = %.2f, two-sided p = %.3g;"
            + " McNemar: %d groups pass only with LLaDA, %d only with ODD, p = %.3g%n", k, x0, groups, name(v), x16,
            groups, zt[0], zt[1], onlyA, onlyB, DiversityStats.mcNemarExact(onlyA, onlyB));
      }
    }
    double chen = 0;
    for (int g = 0; g < groups; g++) {
      int c = 0;
      for (int j = 0; j < N; j++) {
        int[] t = byAlpha[0].tokens[g][j];
        c += grammatical(grammar, text, t) && read(text, t).contains(task.target[g]) ? 1 : 0;
      }
      chen += DiversityStats.passAtK(N, c, 4);
    }
    System.out.printf(Locale.ROOT, "- check, LLaDA (iid samples): pass@4 by Chen et al.'s unbiased estimator from n = 8:"
        + " %.3f (first-4 estimate above: %.3f)%n%n", chen / groups,
        (double) count(passes.get(task.name + "/4/0")) / groups);
  }

  /**
   * ODD's samples 0..3 of a group of 8 against the same keys decoded as a group of 4 (alpha 16 with
   * and without confidence weighting, the first 16 groups of the task): they should be identical,
   * which is what lets the k = 4 rows read the first 4 samples of each group.
   */
  private static void checkPrefix(MaskedDenoiser model, LladaSettings llada, long seed, Task task) {
    int groups = Math.min(GROUPS_PER_CALL, task.initial.length);
    for (Variant v : List.of(new Variant(16, true), new Variant(16, false))) {
      MaskedDiffusionSampler odd = sampler(llada, v, seed);
      Decoded eight = decode(odd, model, task, 0, groups, N);
      Decoded four = decode(odd, model, task, 0, groups, 4);
      int same = 0;
      for (int g = 0; g < groups; g++) {
        boolean eq = true;
        for (int j = 0; j < 4; j++) {
          eq &= Arrays.equals(eight.tokens[g][j], four.tokens[g][j]);
        }
        same += eq ? 1 : 0;
      }
      System.out.printf(Locale.ROOT, "Check: %s, task %s, first %d groups: samples 0-3 of a group of 8 equal"
          + " the group of 4 decoded alone in %d of %d groups.%n", name(v), task.name, groups, same, groups);
    }
  }

  /** pass@8 of each of the 12 words over all groups of the free task (the parts of the "mean over the 12 words" column). */
  private static void perWord(Task task, Decoded[] byAlpha, TokenText text, ToyGrammar grammar) {
    int groups = task.initial.length;
    StringBuilder head = new StringBuilder("| word (pass@8 over all " + groups + " groups) |");
    StringBuilder rule = new StringBuilder("|---|");
    for (Variant v : VARIANTS) {
      head.append(' ').append(name(v)).append(" |");
      rule.append("---:|");
    }
    System.out.println(head);
    System.out.println(rule);
    for (String w : task.allWords) {
      StringBuilder row = new StringBuilder("| " + w + " |");
      for (Decoded d : byAlpha) {
        int hit = 0;
        for (int g = 0; g < groups; g++) {
          boolean any = false;
          for (int j = 0; j < N; j++) {
            int[] t = d.tokens[g][j];
            any |= grammatical(grammar, text, t) && read(text, t).contains(w);
          }
          hit += any ? 1 : 0;
        }
        row.append(String.format(Locale.ROOT, " %.3f |", (double) hit / groups));
      }
      System.out.println(row);
    }
    System.out.println();
  }

  /**
   * Wall time per sample of each sampler on the first 64 groups of the task: three rounds, the
   * samplers interleaved within a round, median per sampler (the machine's load changes over a run).
   */
  private static void timing(MaskedDenoiser model, LladaSettings llada, long seed, Task task) {
    int groups = Math.min(64, task.initial.length);
    double[][] ms = new double[VARIANTS.length][3];
    for (int r = 0; r < 3; r++) {
      for (int a = 0; a < VARIANTS.length; a++) {
        ms[a][r] = decode(sampler(llada, VARIANTS[a], seed), model, task, 0, groups, N).ms / (groups * N);
      }
    }
    System.out.printf(Locale.ROOT, "%nWall time, task %s, first %d groups of %d (%d samples), %d groups per call;"
        + " median of 3 interleaved rounds:%n%n", task.name, groups, N, groups * N, GROUPS_PER_CALL);
    System.out.println("| sampler | ms per sample | rounds (ms per sample) | ratio to LLaDA |");
    System.out.println("|---|---:|---|---:|");
    double base = 0;
    for (int a = 0; a < VARIANTS.length; a++) {
      double[] sorted = ms[a].clone();
      Arrays.sort(sorted);
      if (a == 0) {
        base = sorted[1];
      }
      System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f, %.2f, %.2f | %.2fx |%n", name(VARIANTS[a]), sorted[1], ms[a][0],
          ms[a][1], ms[a][2], sorted[1] / base);
    }
    System.out.println();
  }

  private static int indexOf(Variant v) {
    for (int a = 0; a < VARIANTS.length; a++) {
      if (VARIANTS[a].equals(v)) {
        return a;
      }
    }
    throw new IllegalArgumentException(v.toString());
  }

  private static String name(Variant v) {
    return v.alpha == 0 ? "LLaDA (ODD alpha 0)" : String.format(Locale.ROOT, "ODD alpha %.0f%s", v.alpha,
        v.weighted ? "" : ", no confidence weighting");
  }

  private static String pm(double[] x) {
    double[] m = DiversityStats.meanAndSe(x);
    return String.format(Locale.ROOT, "%.3f ± %.3f", m[0], m[1]);
  }

  private static int count(boolean[] b) {
    int n = 0;
    for (boolean v : b) {
      n += v ? 1 : 0;
    }
    return n;
  }

  private static String[] vocabulary(Path tokenizer) throws java.io.IOException {
    JsonNode vocab = new ObjectMapper().readTree(tokenizer.toFile()).get("model").get("vocab");
    String[] words = new String[VOCAB];
    for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      words[e.getValue().asInt()] = e.getKey();
    }
    if (!"</s>".equals(words[EOS]) || !"<mask>".equals(words[MASK])) {
      throw new IllegalStateException("unexpected toy_mlm vocabulary: " + words[EOS] + ", " + words[MASK]);
    }
    return words;
  }
}
