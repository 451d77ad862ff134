package io.sampleforge.text;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Token strings <-> ids. Ids 0, 1, 2 are the specials {@code <unk>}, {@code <s>} (sentence start)
 * and {@code </s>} (end of sequence); the rest are the training tokens in sorted order, so the
 * vocabulary is a function of the token set alone. Unknown strings map to {@code <unk>}.
 */
public final class Vocabulary implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final int UNK = 0;
  public static final int BOS = 1;
  public static final int EOS = 2;

  /** An array, not an immutable List: Kryo (broadcasts to executor JVMs) cannot rebuild List.of/copyOf lists. */
  private final String[] tokens;
  private final HashMap<String, Integer> ids = new HashMap<>();

  private Vocabulary(List<String> tokens) {
    this.tokens = tokens.toArray(String[]::new);
    for (int i = 0; i < this.tokens.length; i++) {
      ids.put(this.tokens[i], i);
    }
  }

  /** The vocabulary of a token collection (specials first, then sorted tokens). */
  public static Vocabulary of(Collection<String> tokens) {
    List<String> all = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
    TreeSet<String> sorted = new TreeSet<>(tokens);
    sorted.removeAll(all);
    all.addAll(sorted);
    return new Vocabulary(all);
  }

  public int size() {
    return tokens.length;
  }

  public int id(String token) {
    return ids.getOrDefault(token, UNK);
  }

  public String token(int id) {
    return tokens[id];
  }

  public int[] encode(List<String> words) {
    return words.stream().mapToInt(this::id).toArray();
  }
}
