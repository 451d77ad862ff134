package io.sampleforge.diffusion.continuous;

/**
 * The data a multistep solver carries between steps: the lambdas and predictions (rows x D; x0 for
 * DPM-Solver++ and UniPC, eps for DEIS) of the last up-to-three model calls, newest first. Immutable;
 * {@link #push} returns the next history (the prediction arrays are shared, never written after they are
 * pushed).
 */
public record MultistepHistory(double[] lambdas, double[][] predictions) {
  /** The history before the first call. */
  public static MultistepHistory empty() {
    return new MultistepHistory(new double[0], new double[0][]);
  }

  /** How many calls are remembered. */
  public int size() {
    return lambdas.length;
  }

  /** The history with (lambda, D) as newest, keeping at most {@code keep} entries. */
  public MultistepHistory push(double lambda, double[] prediction, int keep) {
    int n = Math.min(keep, size() + 1);
    double[] l = new double[n];
    double[][] p = new double[n][];
    l[0] = lambda;
    p[0] = prediction;
    for (int i = 1; i < n; i++) {
      l[i] = lambdas[i - 1];
      p[i] = predictions[i - 1];
    }
    return new MultistepHistory(l, p);
  }
}
