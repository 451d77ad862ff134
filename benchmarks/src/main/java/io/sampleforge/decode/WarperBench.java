package io.sampleforge.decode;

import io.sampleforge.random.TestStreams;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.sampleforge.random.KeyedStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Benchmark (not a test) of the warper chain on a [batch, vocab] float32 block, the same cases and
 * settings as bench/decode/warpers.py. Usage: WarperBench BATCH VOCAB REPEATS THREADS; prints
 * "name median_ms" lines. THREADS sets libtorch's intra-op threads (set before the engine loads).
 */
public final class WarperBench {
  private WarperBench() {}

  public static void main(String[] args) {
    int batch = Integer.parseInt(args[0]);
    int vocab = Integer.parseInt(args[1]);
    int repeats = Integer.parseInt(args[2]);
    System.setProperty("ai.djl.pytorch.num_threads", args[3]);
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    System.setProperty("ai.djl.offline", "true");
    float[] values = new float[batch * vocab];
    KeyedStream s = TestStreams.of(0, "warper-bench", 0);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (3 * s.gaussian(i));
    }
    SamplerSettings chain = SamplerSettings.builder().temperature(.8).topK(50).topP(.9).minP(.05).typicalP(.95)
        .epsilon(3e-4).eta(3e-4).build();
    Map<String, UnaryOperator<NDArray>> cases = new LinkedHashMap<>();
    cases.put("temperature", x -> x.div(.8f));
    cases.put("top_k(50)", x -> LogitsWarpers.topK(x, 50, 1));
    cases.put("top_p(0.9)", x -> LogitsWarpers.topP(x, .9, 1));
    cases.put("min_p(0.05)", x -> LogitsWarpers.minP(x, .05, 1));
    cases.put("typical(0.95)", x -> LogitsWarpers.typical(x, .95, 1));
    cases.put("epsilon(3e-4)", x -> LogitsWarpers.epsilon(x, 3e-4, 1));
    cases.put("eta(3e-4)", x -> LogitsWarpers.eta(x, 3e-4, 1));
    cases.put("whole chain", x -> LogitsWarpers.apply(chain, x));
    try (NDManager root = NDManager.newBaseManager("PyTorch")) {
      NDArray x = root.create(values, new Shape(batch, vocab));
      for (Map.Entry<String, UnaryOperator<NDArray>> c : cases.entrySet()) {
        List<Double> times = new ArrayList<>();
        for (int r = 0; r < repeats + 2; r++) {
          try (NDManager step = root.newSubManager()) {
            x.attach(step);
            long t0 = System.nanoTime();
            NDArray out = c.getValue().apply(x);
            out.sum().toFloatArray();
            times.add((System.nanoTime() - t0) / 1e6);
            x.attach(root);
          }
        }
        double[] sorted = times.subList(2, times.size()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "%s\t%.3f%n", c.getKey(), sorted[sorted.length / 2]);
      }
    }
    Arrays.hashCode(values);
  }
}
