package io.sampleforge.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The logits processors that run in both decoding modes, in Hugging Face transformers' order:
 * repetition penalty (divide positive, multiply negative scores, once per distinct id of the
 * prompt, unless {@code penalize_prompt} is off, and of the generated tokens), vLLM's presence and
 * frequency penalties (score -= frequency x count + presence x [count > 0], over generated
 * tokens), no-repeat-n-gram (bans every token that would repeat an n-gram of the prompt +
 * generated sequence), bad token ids, allowed token ids, and min-new-tokens (EOS ids banned until
 * that many tokens were generated). Banned tokens get -inf. The sparse per-row updates are one
 * gather and one scatter of a [batch, max ids] block. Cost: O(batch x (vocab + history)).
 */
public final class LogitsProcessors {
  private LogitsProcessors() {}

  /** Returns processed scores (a new array) for the rows' histories. */
  public static NDArray apply(SamplerSettings s, NDArray scores, List<SequenceState> rows) {
    NDArray x = scores;
    int batch = rows.size();
    if (s.repetitionPenalty() != 1.0) {
      List<Map<Integer, Integer>> seen = new java.util.ArrayList<>(batch);
      for (SequenceState r : rows) {
        Map<Integer, Integer> ids = new LinkedHashMap<>();
        if (s.penalizePrompt()) {
          for (int i = 0; i < r.promptLength(); i++) {
            ids.merge(r.promptToken(i), 1, Integer::sum);
          }
        }
        for (int i = 0; i < r.generatedCount(); i++) {
          ids.merge(r.generatedToken(i), 1, Integer::sum);
        }
        seen.add(ids);
      }
      float theta = (float) s.repetitionPenalty();
      x = sparseUpdate(x, seen, (v, count) -> v < 0 ? v * theta : v / theta);
    }
    if (s.presencePenalty() != 0 || s.frequencyPenalty() != 0) {
      List<Map<Integer, Integer>> counts = new java.util.ArrayList<>(batch);
      for (SequenceState r : rows) {
        Map<Integer, Integer> ids = new LinkedHashMap<>();
        for (int i = 0; i < r.generatedCount(); i++) {
          ids.merge(r.generatedToken(i), 1, Integer::sum);
        }
        counts.add(ids);
      }
      float f = (float) s.frequencyPenalty();
      float p = (float) s.presencePenalty();
      x = sparseUpdate(x, counts, (v, count) -> v - f * count - p);
    }
    if (s.noRepeatNgramSize() > 0) {
      List<Map<Integer, Integer>> banned = new java.util.ArrayList<>(batch);
      for (SequenceState r : rows) {
        banned.add(bannedByNgrams(r, s.noRepeatNgramSize()));
      }
      x = sparseUpdate(x, banned, (v, count) -> Float.NEGATIVE_INFINITY);
    }
    if (!s.badTokenIds().isEmpty()) {
      Map<Integer, Integer> bad = new HashMap<>();
      s.badTokenIds().forEach(id -> bad.put(id, 1));
      x = sparseUpdate(x, java.util.Collections.nCopies(batch, bad), (v, count) -> Float.NEGATIVE_INFINITY);
    }
    if (!s.allowedTokenIds().isEmpty()) {
      long vocab = x.getShape().get(1);
      boolean[] allowed = new boolean[(int) vocab];
      s.allowedTokenIds().forEach(id -> allowed[id] = true);
      NDArray mask = x.getManager().create(allowed, new Shape(1, vocab));
      x = NDArrays.where(mask, x, LogitsWarpers.negativeInfinity(x));
    }
    if (s.minNewTokens() > 0 && !s.eosTokenIds().isEmpty()) {
      List<Map<Integer, Integer>> eos = new java.util.ArrayList<>(batch);
      for (SequenceState r : rows) {
        Map<Integer, Integer> ids = new HashMap<>();
        if (r.generatedCount() < s.minNewTokens()) {
          s.eosTokenIds().forEach(id -> ids.put(id, 1));
        }
        eos.add(ids);
      }
      x = sparseUpdate(x, eos, (v, count) -> Float.NEGATIVE_INFINITY);
    }
    return x == scores ? scores.duplicate() : x;
  }

  /** Tokens that would complete an n-gram already present in prompt + generated (HF's NoRepeatNGram). */
  static Map<Integer, Integer> bannedByNgrams(SequenceState r, int n) {
    int len = r.position();
    Map<Integer, Integer> banned = new HashMap<>();
    if (len + 1 < n) {
      return banned;
    }
    int[] seq = new int[len];
    for (int i = 0; i < len; i++) {
      seq[i] = i < r.promptLength() ? r.promptToken(i) : r.generatedToken(i - r.promptLength());
    }
    int[] tail = Arrays.copyOfRange(seq, len - (n - 1), len);
    for (int start = 0; start + n <= len; start++) {
      if (Arrays.equals(seq, start, start + n - 1, tail, 0, n - 1)) {
        banned.put(seq[start + n - 1], 1);
      }
    }
    return banned;
  }

  /** f(score, count) applied to each row's listed ids (one gather + one scatter). */
  private static NDArray sparseUpdate(NDArray scores, List<Map<Integer, Integer>> perRow, Update f) {
    int batch = perRow.size();
    int width = 0;
    for (Map<Integer, Integer> m : perRow) {
      width = Math.max(width, m.size());
    }
    if (width == 0) {
      return scores;
    }
    long[] index = new long[batch * width];
    boolean[] valid = new boolean[batch * width];
    int[][] counts = new int[batch][width];
    for (int b = 0; b < batch; b++) {
      int c = 0;
      long first = 0;
      for (Map.Entry<Integer, Integer> e : perRow.get(b).entrySet()) {
        if (c == 0) {
          first = e.getKey();
        }
        index[b * width + c] = e.getKey();
        valid[b * width + c] = true;
        counts[b][c] = e.getValue();
        c++;
      }
      for (; c < width; c++) {
        index[b * width + c] = first;
      }
    }
    NDManager m = scores.getManager();
    NDArray idx = m.create(index, new Shape(batch, width));
    float[] values = scores.gather(idx, 1).toFloatArray();
    for (int b = 0; b < batch; b++) {
      for (int c = 0; c < width; c++) {
        int i = b * width + c;
        if (valid[i]) {
          values[i] = f.apply(values[i], counts[b][c]);
        }
      }
    }
    // padding repeats a real id of the row with its updated value (or the row's first id's original value
    // when the row has none, in which case index 0 is rewritten with its own value)
    for (int b = 0; b < batch; b++) {
      for (int c = 1; c < width; c++) {
        int i = b * width + c;
        if (!valid[i] && valid[b * width]) {
          values[i] = values[b * width];
        }
      }
    }
    return scores.scatter(idx, m.create(values, new Shape(batch, width)), 1);
  }

  @FunctionalInterface
  private interface Update {
    float apply(float score, int count);
  }
}
