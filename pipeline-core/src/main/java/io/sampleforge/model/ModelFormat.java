package io.sampleforge.model;

import io.sampleforge.errors.ConfigException;
import java.util.Locale;

/**
 * The file formats of exported causal LMs ({@link ExportedLm}), masked LMs ({@link
 * ExportedMaskedDenoiser}) and Gaussian denoisers ({@link ExportedGaussianDenoiser}) and the DJL engine that runs each: TorchScript through the PyTorch
 * engine (libtorch 2.7.1), ONNX through the OnnxRuntime engine (ONNX Runtime 1.21, opset <= 22, IR
 * version <= 10). Each model kind's export contract is the same for both formats (see those
 * classes); src/main/python/export_hf_causal_lm.py writes either from a Hugging Face causal model.
 */
public enum ModelFormat {
  TORCHSCRIPT("torchscript", "PyTorch"),
  ONNX("onnx", "OnnxRuntime");

  private final String configName;
  private final String engine;

  ModelFormat(String configName, String engine) {
    this.configName = configName;
    this.engine = engine;
  }

  /** The name used in job configs ({@code model.type}). */
  public String configName() {
    return configName;
  }

  /** The DJL engine name. */
  public String engine() {
    return engine;
  }

  /** Parses a config value; errors name the parameter. */
  public static ModelFormat parse(String parameter, String value) {
    for (ModelFormat f : values()) {
      if (f.configName.equals(value == null ? null : value.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw ConfigException.of(parameter, "must be torchscript or onnx", "'" + value + "'");
  }
}
