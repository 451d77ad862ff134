package io.sampleforge.diffusion.discrete;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ODD, "Free Lunch for Pass@k" (sean-lamont/odd {@code generator.py::DiverseGenerator} with {@code
 * strategies.py::ODDStrategy}): {@link LladaSampler} decoding in which the samples of one prompt
 * repel each other. The sequences of a call that share a {@link SequenceKey#recordKey()} are one
 * group, ordered by sample index; at global step i of {@code steps}, with alpha_i = odd_alpha (1 -
 * i / steps) > 0, the guided distributions of every masked position of each member's generated span
 * are moved by {@link OddRepulsion} (features max-pooled over the span, Gram-Schmidt in sample
 * order, gradient in closed form, protected columns zeroed, per-sample max-norm normalisation) before
 * LLaDA draws the values and ranks the confidences on them. {@link OddSettings#confidenceWeighting()}
 * false drops the quality factor from the loss (the reference's {@code use_confidence_weighting:
 * false}). The confidence is thus taken on the
 * repelled distribution, as in the reference.
 *
 * <p>Batching: a sequence's output depends on its seed, key, initial row, the model, and the other
 * members of its group in the same call, never on other groups (groups are processed one by one,
 * each in sample-index order, whatever their order in the batch). So a caller passes all samples of
 * one prompt in one call; the members of a group must share one initial row (they are samples of
 * one prompt) and distinct sample indices, or an IllegalArgumentException is thrown.
 *
 * <p>Differences from the reference: LLaDA's blocks, guidance and remasking rules work as in {@link
 * LladaSampler} (the reference decodes one block with low_confidence); the feature excludes the
 * model's mask column (SUBS: its probability is 0); the EOS/PAD ids are a setting (the reference
 * takes them from the tokenizer). NFE: exactly LLaDA's (the repulsion needs no model gradient and no
 * extra call). Extra cost per step and row: O(gen_length V) to read and repel the span's
 * distributions, O(k V) for the Gram-Schmidt step of sample k.
 */
public final class OddSampler implements MaskedDiffusionSampler {
  private final LladaSettings llada;
  private final OddSettings odd;
  private final LladaSampler inner;

  public OddSampler(LladaSettings llada, OddSettings odd, long seed) {
    this.llada = llada;
    this.odd = odd;
    this.inner = new LladaSampler(llada, seed, odd);
  }

  public LladaSettings lladaSettings() {
    return llada;
  }

  public OddSettings oddSettings() {
    return odd;
  }

  @Override
  public List<DiffusionSample> sample(MaskedDenoiser model, List<SequenceKey> keys, int[][] initial) {
    if (keys.size() != initial.length) {
      throw new IllegalArgumentException(keys.size() + " sequence keys but " + initial.length + " initial rows");
    }
    for (int id : odd.protectedIds()) {
      if (id >= model.vocabularySize()) {
        throw new IllegalArgumentException("odd_protected_ids holds id " + id + ", outside the model's vocabulary [0, "
            + model.vocabularySize() + ")");
      }
    }
    Map<Long, Integer> first = new HashMap<>();
    Set<SequenceKey> seen = new HashSet<>();
    for (int b = 0; b < keys.size(); b++) {
      SequenceKey key = keys.get(b);
      if (!seen.add(key)) {
        throw new IllegalArgumentException("sequence key " + key + " appears twice; the samples of a prompt need distinct"
            + " sample indices");
      }
      Integer a = first.putIfAbsent(key.recordKey(), b);
      if (a != null && !Arrays.equals(initial[a], initial[b])) {
        throw new IllegalArgumentException("rows " + a + " and " + b + " share record key " + key.recordKey()
            + " but not their initial tokens; ODD repels the samples of one prompt, which share it");
      }
    }
    return inner.sample(model, keys, initial);
  }
}
