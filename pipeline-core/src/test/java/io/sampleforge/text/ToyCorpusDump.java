package io.sampleforge.text;

/** Writes toy-grammar sentences to stdout, one per line (input of make_toy_gpt.py). Usage: ToyCorpusDump N SEED. */
public final class ToyCorpusDump {
  private ToyCorpusDump() {}

  public static void main(String[] args) {
    ToyGrammar g = new ToyGrammar();
    int n = Integer.parseInt(args[0]);
    long seed = Long.parseLong(args[1]);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      out.append(g.sentence(seed, i)).append('\n');
    }
    System.out.print(out);
  }
}
