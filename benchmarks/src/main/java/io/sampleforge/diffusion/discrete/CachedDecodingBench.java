package io.sampleforge.diffusion.discrete;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.model.CachedMaskedLm;
import io.sampleforge.model.KvGeometry;
import io.sampleforge.text.ToyGrammar;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Issue 21's speed frontier on a real masked LM: {@link ParallelDecodingSampler} with each commit
 * rule and cache mode ({@link CacheMode}: none, prefix, dual) on a cached TorchScript fixture
 * (toy_mlm_long: 1,024 positions, trained on packed toy-grammar sentences), fully masked rows of
 * gen_length positions in blocks of block_length (Fast-dLLM's 32 by default), generated in batches
 * at temperature T (default 1: values drawn from the model, so unprompted samples differ).
 * Prints one tab-separated line per setting: gen_length, rule, confidence, cache, batch, samples,
 * NFE per sample (mean), tokens per call (mean), wall seconds (median of the repeats), ms per
 * model call (wall / calls per batch), generated tokens per second, grammatical fraction of the
 * complete sentences (a sentence ends at '.', the sample at its first end-of-sequence token) and
 * distinct-2 over all samples. The decoded ids of the last repeat go to OUT_DIR as JSON, so the
 * same metric code can score the PyTorch reference loop's output (bench/diffusion/fastdllm.sh).
 *
 * <pre>java -cp ... io.sampleforge.diffusion.discrete.CachedDecodingBench MODEL_DIR GEN_LENGTHS SAMPLES BATCH
 *     REPEATS RULES CACHES [BLOCK] [TEMPERATURE] [PROMPT_LENGTH] [OUT_DIR]</pre>
 * PROMPT_LENGTH p > 0 puts the first p words of {@link #PROMPT_TEXT} (repeated as needed; the PyTorch
 * loop's prompt, bench/diffusion/fastdllm_loop.py) before the gen_length masks.
 * GEN_LENGTHS like 64,256,1024; RULES like threshold:0.9,factor:1.0,frechet_profile:0.25,threshold:1.0
 * (a suffix /max_probability switches the confidence kind); CACHES like none,prefix,dual.
 */
public final class CachedDecodingBench {
  /** The prompt text of bench/diffusion/fastdllm_loop.py. */
  static final String PROMPT_TEXT = "the old farmer sees a small bird . many happy children sing near the red cats .";

  private CachedDecodingBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int[] lengths = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
    int samples = Integer.parseInt(args[2]);
    int batch = Integer.parseInt(args[3]);
    int repeats = Integer.parseInt(args[4]);
    String[] rules = args[5].split(",");
    String[] caches = args[6].split(",");
    int blockLength = args.length > 7 ? Integer.parseInt(args[7]) : 32;
    double temperature = args.length > 8 ? Double.parseDouble(args[8]) : 1.0;
    int promptLength = args.length > 9 ? Integer.parseInt(args[9]) : 0;
    File outDir = args.length > 10 ? new File(args[10]) : null;
    ObjectMapper json = new ObjectMapper();
    JsonNode config = json.readTree(dir.resolve("config.json").toFile());
    int vocab = config.get("vocab_size").asInt();
    int mask = config.get("mask_id").asInt();
    int eos = config.get("eos_id").asInt();
    JsonNode cache = config.get("cache");
    String[] words = words(json.readTree(dir.resolve("tokenizer.json").toFile()), vocab);
    System.setProperty("ai.djl.offline", "true");
    int[] prompt = prompt(promptLength, words);
    System.out.println("gen_length\trule\tconfidence\tcache\tbatch\tsamples\tnfe_per_sample\ttokens_per_call\twall_s\t"
        + "ms_per_call\ttokens_per_s\tgrammatical\tdistinct_2");
    try (CachedMaskedLm model = CachedMaskedLm.load(dir.resolve("model_cached.pt"), vocab, mask,
        new KvGeometry(cache.get("layers").asInt(), cache.get("heads").asInt(), cache.get("head_dim").asInt()),
        Device.cpu())) {
      for (int gen : lengths) {
        for (String r : rules) {
          for (String c : caches) {
            run(model, prompt, gen, Math.min(blockLength, gen), temperature, r, CacheMode.parse("cache", c), samples,
                batch, repeats, words, eos, mask, outDir, json);
          }
        }
      }
    }
  }

  private static int[] prompt(int length, String[] words) {
    String[] text = PROMPT_TEXT.split(" ");
    int[] ids = new int[length];
    for (int i = 0; i < length; i++) {
      ids[i] = Arrays.asList(words).indexOf(text[i % text.length]);
      if (ids[i] < 0) {
        throw new IllegalArgumentException("prompt word '" + text[i % text.length] + "' is not in the vocabulary");
      }
    }
    return ids;
  }

  private static int[][] rows(int[] prompt, int n, int gen, int mask) {
    int[][] rows = new int[n][prompt.length + gen];
    for (int[] row : rows) {
      Arrays.fill(row, mask);
      System.arraycopy(prompt, 0, row, 0, prompt.length);
    }
    return rows;
  }

  private static void run(CachedMaskedLm model, int[] prompt, int gen, int block, double temperature, String ruleSpec, CacheMode cache, int samples,
      int batch, int repeats, String[] words, int eos, int mask, File outDir, ObjectMapper json) throws Exception {
    String[] kindSplit = ruleSpec.split("/");
    ConfidenceKind kind = kindSplit.length > 1 ? ConfidenceKind.parse("confidence", kindSplit[1]) : ConfidenceKind.DRAWN;
    String[] parts = kindSplit[0].split(":");
    double value = Double.parseDouble(parts[1]);
    CommitRule rule = switch (parts[0]) {
      case "threshold" -> new CommitRule.Threshold(value);
      case "factor" -> new CommitRule.Factor(value);
      case "frechet_profile" -> new CommitRule.Profile(value);
      default -> throw new IllegalArgumentException("rule " + parts[0]);
    };
    ParallelDecodingSampler sampler = new ParallelDecodingSampler(new ParallelDecodingSettings(gen, block, temperature, kind,
        rule, cache), 2026);
    double[] wall = new double[repeats];
    List<int[]> last = new ArrayList<>();
    long calls = 0;
    long callsPerBatch = 0;
    for (int rep = -1; rep < repeats; rep++) {  // one warm-up repeat
      List<int[]> outputs = new ArrayList<>();
      long repCalls = 0;
      long repBatchCalls = 0;
      long start = System.nanoTime();
      for (int first = 0; first < samples; first += batch) {
        int n = Math.min(batch, samples - first);
        List<SequenceKey> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          keys.add(new SequenceKey(first + i, 0));
        }
        List<DiffusionSample> out = sampler.sample(model, keys, rows(prompt, n, gen, mask));
        int most = 0;
        for (DiffusionSample d : out) {
          outputs.add(Arrays.copyOfRange(d.tokens(), prompt.length, d.tokens().length));
          repCalls += d.modelCalls();
          most = Math.max(most, d.modelCalls());
        }
        repBatchCalls += most;
      }
      if (rep >= 0) {
        wall[rep] = (System.nanoTime() - start) / 1e9;
        last = outputs;
        calls = repCalls;
        callsPerBatch = repBatchCalls;
      }
    }
    double[] sorted = wall.clone();
    Arrays.sort(sorted);
    double median = sorted[repeats / 2];
    double[] quality = quality(last, words, eos, mask);
    String name = parts[0] + ":" + parts[1];
    System.out.printf(Locale.ROOT, "%d\t%s\t%s\t%s\t%d\t%d\t%.2f\t%.2f\t%.3f\t%.2f\t%.1f\t%.3f\t%.3f%n", gen, name,
        kind.id(), cache.id(), batch, samples, (double) calls / samples, (double) gen * samples / calls, median,
        1000 * median / callsPerBatch, gen * samples / median, quality[0], quality[1]);
    if (outDir != null) {
      outDir.mkdirs();
      json.writeValue(new File(outDir, String.format(Locale.ROOT, "java-%d-%s-%s-%s.json", gen, name.replace(':', '_'),
          kind.id(), cache.id())), Map.of("ids", last));
    }
  }

  /**
   * The grammatical fraction of complete sentences and distinct-2, for ids of any source (also the
   * PyTorch loop's): a sample is read up to its first end-of-sequence id; its words are split after
   * each '.'; a trailing piece without '.' is not a complete sentence and is not counted.
   */
  static double[] quality(List<int[]> samples, String[] words, int eos, int mask) {
    ToyGrammar grammar = new ToyGrammar();
    long sentences = 0;
    long grammatical = 0;
    Set<String> bigrams = new HashSet<>();
    long bigramCount = 0;
    for (int[] s : samples) {
      List<String> sentence = new ArrayList<>();
      String previous = null;
      for (int id : s) {
        if (id == eos) {
          break;
        }
        String w = id == mask ? "<mask>" : words[id];
        if (previous != null) {
          bigrams.add(previous + " " + w);
          bigramCount++;
        }
        previous = w;
        sentence.add(w);
        if (w.equals(".")) {
          sentences++;
          grammatical += grammar.grammatical(sentence) ? 1 : 0;
          sentence = new ArrayList<>();
        }
      }
    }
    return new double[] {sentences == 0 ? 0 : (double) grammatical / sentences,
        bigramCount == 0 ? 0 : (double) bigrams.size() / bigramCount};
  }

  static String[] words(JsonNode tokenizer, int vocab) {
    String[] words = new String[vocab];
    JsonNode v = tokenizer.get("model").get("vocab");
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      words[e.getValue().asInt()] = e.getKey();
    }
    return words;
  }
}
