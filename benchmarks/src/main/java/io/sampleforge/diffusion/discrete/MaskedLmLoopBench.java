package io.sampleforge.diffusion.discrete;

import ai.djl.Device;
import io.sampleforge.model.ExportedMaskedDenoiser;
import io.sampleforge.model.ModelFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Wall time of the masked-diffusion sampling loops on a real TorchScript masked LM (the toy_mlm
 * fixture, through DJL on libtorch), per sampler: B fully masked rows of length L, median of R runs,
 * with the model calls counted. Prints one tab-separated line per sampler (name, median ms, model
 * calls per run, ms per call) for bench/diffusion/loops.sh, which sets the same thread count on both
 * sides and joins it with the PyTorch re-implementations of LLaDA's generate() and MDLM's loop.
 *
 * <pre>java -cp ... io.sampleforge.diffusion.discrete.MaskedLmLoopBench MODEL_PT BATCH REPEATS</pre>
 */
public final class MaskedLmLoopBench {
  private MaskedLmLoopBench() {}

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    int batch = Integer.parseInt(args[1]);
    int repeats = Integer.parseInt(args[2]);
    int length = 16;
    try (ExportedMaskedDenoiser denoiser = ExportedMaskedDenoiser.load(ModelFormat.TORCHSCRIPT, model, 45, 44,
        Device.cpu())) {
      Map<String, MaskedDiffusionSampler> samplers = new LinkedHashMap<>();
      samplers.put("LLaDA low_confidence, 16 steps, T=1", new LladaSampler(new LladaSettings(length, length, length, 1.0, 0.0, RemaskingRule.LOW_CONFIDENCE), 7));
      samplers.put("MDLM ancestral, 16 steps, no cache", new AncestralSampler(new AncestralSettings(length, MaskSchedule.LOG_LINEAR, 1e-5, false, false), 7));
      samplers.put("first-hitting, 1 token per call", new FirstHittingSampler(new FirstHittingSettings(MaskSchedule.LOG_LINEAR, 1), 7));
      for (Map.Entry<String, MaskedDiffusionSampler> s : samplers.entrySet()) {
        double[] ms = new double[repeats];
        long calls = 0;
        for (int r = -2; r < repeats; r++) {   // two warm-up runs
          List<SequenceKey> keys = new ArrayList<>();
          for (int i = 0; i < batch; i++) {
            keys.add(new SequenceKey(i + 1000L * Math.max(r, 0), 0));
          }
          long start = System.nanoTime();
          List<DiffusionSample> out = s.getValue().sample(denoiser, keys, MaskedDenoiser.allMasked(denoiser, batch, length));
          if (r >= 0) {
            ms[r] = (System.nanoTime() - start) / 1e6;
            calls = out.stream().mapToInt(DiffusionSample::modelCalls).max().orElse(0);
          }
        }
        Arrays.sort(ms);
        double median = ms[repeats / 2];
        System.out.printf(Locale.ROOT, "%s\t%.2f\t%d\t%.3f%n", s.getKey(), median, calls, median / calls);
      }
    }
  }
}
