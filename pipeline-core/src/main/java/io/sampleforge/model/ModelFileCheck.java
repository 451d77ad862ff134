package io.sampleforge.model;

import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Checks the bytes of a model file before it is handed to DJL, so that only formats that run no
 * code when loaded reach an engine. Allowed: TorchScript (a zip archive written by
 * {@code torch.jit.save}, with {@code <name>/code/} and {@code <name>/constants.pkl}; libtorch
 * reads its pickles with the restricted TorchScript unpickler, which builds tensors and TorchScript
 * objects only and never imports or calls Python) and ONNX (a protobuf {@code ModelProto}, see
 * {@link OnnxModelHeader}). Refused: a raw Python pickle (what {@code pickle.dump} and pre-1.6
 * {@code torch.save} write) and a {@code torch.save} zip archive ({@code data.pkl} but no
 * {@code code/}), because unpickling them with Python's unpickler runs arbitrary code; a
 * safetensors file would pass the same way as ONNX if it were ever supported (a JSON header and raw
 * tensors, nothing executable). Missing, empty and truncated files are refused too, each with a
 * {@link ConfigException} naming {@code model.path}, the rule and the file.
 *
 * <p>Source: the file layouts of PyTorch's {@code torch/serialization.py} and
 * {@code torch/csrc/jit/serialization/export_module.cpp}, Python's {@code pickletools} opcodes,
 * and {@code onnx/onnx.proto}. Cost: a TorchScript check reads the zip's central directory only
 * (a few KB); an ONNX check reads the top-level protobuf tags and skips their bodies (a few
 * seeks); no tensor data is read.
 */
public final class ModelFileCheck {
  /** The rule every refusal states. */
  public static final String RULE = "must be TorchScript (torch.jit.trace/script + save) or ONNX; pickled checkpoints "
      + "are refused because unpickling runs code";
  private static final String PARAMETER = "model.path";

  private ModelFileCheck() {}

  /** Passes when {@code file} is a readable, complete file of {@code format}; throws otherwise. */
  public static void require(ModelFormat format, Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw ConfigException.of(PARAMETER, "must be a readable " + format.configName() + " file (no such file)",
          "'" + file + "'");
    }
    byte[] head = head(file, 2);
    if (head.length == 0) {
      throw refused("this file is empty", file);
    }
    String pickle = PickleSniff.protocol(head, file);
    if (pickle != null) {
      throw refused("this file is a Python pickle (" + pickle + ")", file);
    }
    boolean zip = head.length == 2 && head[0] == 'P' && head[1] == 'K';
    if (format == ModelFormat.TORCHSCRIPT) {
      if (!zip) {
        throw refused("this file is not a zip archive, so not TorchScript"
            + (OnnxModelHeader.isModel(file) ? " (it is an ONNX model: set model.type=onnx)" : ""), file);
      }
      requireTorchScriptArchive(file);
    } else {
      if (zip) {
        throw refused("this file is a zip archive (a TorchScript module or a torch.save checkpoint), not an ONNX "
            + "ModelProto", file);
      }
      String problem = OnnxModelHeader.problem(file);
      if (problem != null) {
        throw refused("this file is not a complete ONNX ModelProto (" + problem + "; truncated or corrupt?)", file);
      }
    }
  }

  private static void requireTorchScriptArchive(Path file) {
    boolean code = false;
    boolean constants = false;
    boolean dataPkl = false;
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
        String name = e.nextElement().getName();
        int slash = name.indexOf('/');
        String inner = slash < 0 ? name : name.substring(slash + 1);
        code |= inner.startsWith("code/");
        constants |= inner.equals("constants.pkl");
        dataPkl |= inner.equals("data.pkl");
      }
    } catch (IOException e) {
      throw refused("this zip archive is truncated or corrupt (" + e.getMessage() + ")", file);
    }
    if (dataPkl && !code) {
      throw refused("this file is a torch.save checkpoint (data.pkl without code/): export the module with "
          + "torch.jit.trace or torch.jit.script and save that", file);
    }
    if (!code || !constants) {
      throw refused("this zip archive is not a TorchScript module (no <name>/code/ and <name>/constants.pkl)", file);
    }
  }

  private static ConfigException refused(String what, Path file) {
    return ConfigException.of(PARAMETER, RULE + ": " + what, "'" + file + "'");
  }

  /** Up to {@code n} first bytes of the file. */
  static byte[] head(Path file, int n) {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(n);
    } catch (IOException e) {
      throw ConfigException.of(PARAMETER, "must be readable (" + e.getMessage() + ")", "'" + file + "'");
    }
  }
}
