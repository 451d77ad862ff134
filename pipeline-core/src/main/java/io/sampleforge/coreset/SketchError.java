package io.sampleforge.coreset;

/**
 * The measured error of a sketched factor R (R^T R = (SA)^T SA + lambda I): the extreme eigenvalues
 * lambda_min, lambda_max of M = R^{-T} (A^T A + lambda I) R^{-1}. They are the exact range of
 * (|Ax|^2 + lambda |x|^2) / (|SAx|^2 + lambda |x|^2) over all x (the subspace-embedding distortion of S on
 * A), and so also of every row's ratio of sketched to exact (ridge) leverage: l~_i / l_i lies in
 * [lambda_min, lambda_max] (l = u^T M^{-1} u with u = R^{-T} a, l~ = u^T u). NaN when not measured.
 *
 * @param distortionMin lambda_min (1 for a perfect sketch)
 * @param distortionMax lambda_max (1 for a perfect sketch)
 */
public record SketchError(double distortionMin, double distortionMax) {
  public static final SketchError NOT_MEASURED = new SketchError(Double.NaN, Double.NaN);

  public boolean measured() {
    return !Double.isNaN(distortionMin);
  }

  /**
   * The largest relative error of any leverage score, max(lambda_max - 1, 1 - lambda_min): every row has
   * |l~_i - l_i| / l_i at most this (for root leverage l^{p/2} the ratio lies in [lambda_min^{p/2}, lambda_max^{p/2}]).
   */
  public double leverageRelativeErrorBound() {
    return Math.max(distortionMax - 1, 1 - distortionMin);
  }
}
