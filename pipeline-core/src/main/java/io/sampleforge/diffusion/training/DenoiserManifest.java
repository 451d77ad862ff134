package io.sampleforge.diffusion.training;

import io.sampleforge.diffusion.continuous.DiscreteVpSchedule;
import io.sampleforge.diffusion.continuous.PredictionType;
import java.util.Arrays;
import java.util.List;

/**
 * What a trained denoiser's folder says about it ({@link DenoiserFolder#MANIFEST}): the columns and
 * their standardisation, the training settings (network size, schedule, optimiser settings), the
 * seed, the number of training rows, the mean loss of each epoch, and DJL's parameter file with its
 * SHA-256. The network predicts {@link PredictionType#EPSILON} in standardised space.
 *
 * @param standardisation the (encoded) columns, their means and their stds
 * @param encoding how the table's numeric and categorical columns make those columns
 * @param settings the training settings
 * @param seed the training seed
 * @param rows how many rows were trained on
 * @param lossCurve the mean epsilon loss (mean squared error, {@link EpsilonLoss}) of each epoch
 * @param parametersFile the name of DJL's parameter file in the folder
 * @param parametersSha256 its SHA-256, lower-case hex
 */
public record DenoiserManifest(Standardisation standardisation, OneHotEncoding encoding,
    DenoiserTrainingSettings settings, long seed, int rows, double[] lossCurve, String parametersFile,
    String parametersSha256) {
  public DenoiserManifest {
    lossCurve = lossCurve.clone();
    if (!encoding.encodedColumns().equals(standardisation.columns())) {
      throw new IllegalArgumentException("the encoding's columns " + encoding.encodedColumns() + " are not the trained "
          + "columns " + standardisation.columns());
    }
  }

  public List<String> columns() {
    return standardisation.columns();
  }

  public MlpArchitecture architecture() {
    return settings.architecture(standardisation.dimension());
  }

  public DiscreteVpSchedule schedule() {
    return settings.schedule();
  }

  public PredictionType predictionType() {
    return PredictionType.EPSILON;
  }

  @Override
  public double[] lossCurve() {
    return lossCurve.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DenoiserManifest m && standardisation.equals(m.standardisation) && encoding.equals(m.encoding)
        && settings.equals(m.settings)
        && seed == m.seed && rows == m.rows && Arrays.equals(lossCurve, m.lossCurve)
        && parametersFile.equals(m.parametersFile) && parametersSha256.equals(m.parametersSha256);
  }

  @Override
  public int hashCode() {
    return standardisation.hashCode() * 31 + Arrays.hashCode(lossCurve) + parametersSha256.hashCode();
  }

  @Override
  public String toString() {
    return "DenoiserManifest[" + standardisation + ", " + encoding + ", " + settings + ", seed " + seed + ", rows "
        + rows + ", loss "
        + Arrays.toString(lossCurve) + ", " + parametersFile + " sha256 " + parametersSha256 + "]";
  }
}
