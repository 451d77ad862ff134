package io.sampleforge.diffusion.continuous;

import ai.djl.Device;
import io.sampleforge.model.ExportedGaussianDenoiser;
import io.sampleforge.model.ModelFormat;
import io.sampleforge.model.RowShape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The Java side of the diffuse throughput benchmark's kernel row: multistep DPM-Solver++ with diffusers'
 * defaults (2M, midpoint, linspace, final sigma zero) driving an exported TorchScript denoiser through
 * DJL, one batch of keyed x_T at a time; the median over REPEATS solves of the time per denoiser call
 * (the loop: model call, float32/float64 conversion, solver arithmetic), and of the model's forward
 * alone at the same batch. Set the intra-op threads with -Dai.djl.pytorch.num_threads (the script does).
 *
 * <pre>java -cp ... io.sampleforge.diffusion.continuous.DenoiserLoopBench MODEL.pt D BATCH STEPS REPEATS</pre>
 */
public final class DenoiserLoopBench {
  private DenoiserLoopBench() {}

  public static void main(String[] args) {
    Path model = Path.of(args[0]);
    int d = Integer.parseInt(args[1]);
    int batch = Integer.parseInt(args[2]);
    int steps = Integer.parseInt(args[3]);
    int repeats = Integer.parseInt(args[4]);
    DpmSolverPlusPlus solver = new DpmSolverPlusPlus(TimeGrid.diffusers(DiscreteVpSchedule.diffusersDefault(),
        DiffusersSpacing.LINSPACE, steps, 0, FinalSigma.ZERO), DpmSolverSettings.DIFFUSERS);
    GaussianDraws draws = new GaussianDraws(7);
    double[] loop = new double[repeats];
    double[] forward = new double[repeats];
    try (ExportedGaussianDenoiser den = ExportedGaussianDenoiser.load(ModelFormat.TORCHSCRIPT, model, RowShape.of(d),
        PredictionType.EPSILON, Device.cpu())) {
      for (int r = -1; r < repeats; r++) { // r = -1 warms up
        SampleKey[] keys = new SampleKey[batch];
        for (int i = 0; i < batch; i++) {
          keys[i] = new SampleKey((long) (r + 1) * batch + i, 0);
        }
        long t0 = System.nanoTime();
        SampleBatch out = solver.sample(den, keys, draws);
        long t1 = System.nanoTime();
        double[] x = out.samples();
        double[] pred = new double[x.length];
        NoiseLevel[] levels = new NoiseLevel[batch];
        Arrays.fill(levels, DiscreteVpSchedule.diffusersDefault().level(500));
        for (int c = 0; c < out.modelCalls(); c++) {
          den.predict(x, levels, pred);
        }
        long t2 = System.nanoTime();
        if (r >= 0) {
          loop[r] = (t1 - t0) / 1e6 / out.modelCalls();
          forward[r] = (t2 - t1) / 1e6 / out.modelCalls();
        }
      }
    }
    Arrays.sort(loop);
    Arrays.sort(forward);
    double ms = loop[repeats / 2];
    System.out.printf(Locale.ROOT, "djl threads %s batch %d steps %d: median ms per call %.4f (forward alone %.4f), "
        + "samples/s %.0f%n", System.getProperty("ai.djl.pytorch.num_threads", "default"), batch, steps, ms,
        forward[repeats / 2], batch / (ms * steps / 1e3));
  }
}
