package io.sampleforge.spark.text;

import io.sampleforge.diffusion.discrete.MarkovChain;
import io.sampleforge.diffusion.discrete.MarkovChainDenoiser;
import io.sampleforge.diffusion.discrete.MaskedDenoiser;
import io.sampleforge.errors.ConfigException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The {@code model.type: markov-chain} model of the generate job: named states, the initial law,
 * the row-stochastic transition matrix and the total sequence length (prompt included), validated
 * on construction with the config keys ({@code model.states}; {@code model.initial}, {@code
 * model.transitions} with the offending row, {@code model.length} by {@link MarkovChain}). It
 * builds the exact {@link MarkovChainDenoiser} (token ids 0..S-1 in the order of {@code states},
 * mask id S) and names itself for the output rows and the manifest. Cost: the chain's O(L S^3)
 * precomputation once per task.
 */
public record MarkovChainModel(List<String> states, double[] initial, double[][] transitions, int length)
    implements MaskedModelSpec {
  public MarkovChainModel {
    if (states == null || states.isEmpty()) {
      throw ConfigException.of("model.states", "must list the state names (the tokens), e.g. [a, b, c]", states);
    }
    states = List.copyOf(states);
    Set<String> seen = new HashSet<>();
    for (String s : states) {
      if (s.isEmpty() || !s.strip().equals(s) || s.chars().anyMatch(Character::isWhitespace)) {
        throw ConfigException.of("model.states", "must be non-empty names without spaces (prompts are space-separated)",
            "'" + s + "'");
      }
      if (s.equals(MaskedDiffusionRunner.MASK)) {
        throw ConfigException.of("model.states", "must not use the name " + MaskedDiffusionRunner.MASK
            + " (it marks a position left masked)", "'" + s + "'");
      }
      if (!seen.add(s)) {
        throw ConfigException.of("model.states", "must be distinct names", "'" + s + "' twice in " + states);
      }
    }
    if (transitions != null && transitions.length != states.size()) {
      throw ConfigException.of("model.states/model.transitions", "must have one row per state (" + states.size() + " states "
          + states + ")", transitions.length + " rows");
    }
    new MarkovChain(initial, transitions, length); // validates model.initial, model.transitions, model.length
    initial = initial.clone();
    double[][] copy = new double[transitions.length][];
    for (int r = 0; r < copy.length; r++) {
      copy[r] = transitions[r].clone();
    }
    transitions = copy;
  }

  /** The chain (its powers are computed here: call once per task). */
  public MarkovChain chain() {
    return new MarkovChain(initial, transitions, length);
  }

  /** The exact masked denoiser of the chain. */
  public MarkovChainDenoiser denoiser() {
    return new MarkovChainDenoiser(chain());
  }

  /** The states and the mask. */
  @Override
  public int vocabularySize() {
    return states.size() + 1;
  }

  @Override
  public MaskedPrompts prompts() {
    return open();
  }

  /**
   * The chain and its exact denoiser; prompts are state names ({@link PromptStates}); a sample reads
   * as its generated states joined by spaces, a position left masked as {@code <mask>}; there is no
   * end-of-sequence state (finish reason length).
   */
  @Override
  public OpenMaskedModel open() {
    MarkovChain chain = chain();
    MarkovChainDenoiser denoiser = new MarkovChainDenoiser(chain);
    TokenSpace tokens = new TokenSpace(states.size() + 1, denoiser.maskId(), new int[0], () -> states);
    return new OpenMaskedModel() {
      @Override
      public int[] encode(String text) {
        return PromptStates.parse(MarkovChainModel.this, chain, text);
      }

      @Override
      public MaskedDenoiser denoiser() {
        return denoiser;
      }

      @Override
      public TokenSpace tokens() {
        return tokens;
      }

      @Override
      public MaskedCompletion read(int[] sample, int from) {
        StringBuilder completion = new StringBuilder();
        int generated = 0;
        for (int l = from; l < sample.length; l++) {
          completion.append(completion.length() > 0 ? " " : "");
          if (sample[l] == denoiser.maskId()) {
            completion.append(MaskedDiffusionRunner.MASK);
          } else {
            completion.append(states.get(sample[l]));
            generated++;
          }
        }
        return new MaskedCompletion(completion.toString(), generated, "length");
      }

      @Override
      public void close() {}
    };
  }

  /** The token id of a state name, or -1. */
  public int id(String state) {
    return states.indexOf(state);
  }

  /**
   * The model's identity for the output and the manifest: type, states, length and the first 16 hex
   * digits of the SHA-256 of the parameters (IEEE-754 bits of initial, then transitions row by row).
   */
  public String identity() {
    StringBuilder b = new StringBuilder("{\"type\":\"markov-chain\",\"states\":[");
    for (int i = 0; i < states.size(); i++) {
      b.append(i > 0 ? "," : "").append('"').append(states.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return b.append("],\"length\":").append(length).append(",\"parameters_sha256\":\"").append(parameterHash())
        .append("\"}").toString();
  }

  private String parameterHash() {
    ByteBuffer buf = ByteBuffer.allocate(8 * initial.length * (1 + initial.length));
    for (double v : initial) {
      buf.putDouble(v);
    }
    for (double[] row : transitions) {
      for (double v : row) {
        buf.putDouble(v);
      }
    }
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(String.join(" ", states).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest(buf.array())).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
