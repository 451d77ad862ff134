package io.sampleforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.sampleforge.diffusion.continuous.NoiseLevel;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.diffusion.posterior.DifferentiableDenoiser;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

/**
 * A {@link DifferentiableDenoiser} over a DJL network on the PyTorch engine, differentiated by
 * autograd: an exported TorchScript denoiser ({@link ExportedGaussianDenoiser#differentiable()}) or a
 * train-denoiser MLP ({@code TrainedDenoiser#differentiable()}). The network gives its prediction p
 * (eps, x0 or v: {@link PredictionType}) at one level (alpha, sigma); the data prediction is linear
 * in p and x, x0_hat = c_x x + c_p p (eps: c_x = 1 / alpha, c_p = -sigma / alpha; x0: 0, 1; v: alpha,
 * -sigma, as {@link PredictionType#toData}), so the vector-Jacobian product is (d x0_hat / d x)^T u =
 * c_x u + (dp / dx)^T (c_p u), the second term one backward pass from the network's output with the
 * upstream gradient c_p u (the sum over rows of u_r . x0_hat(x_r) differentiated with respect to x:
 * rows are independent, so one backward gives every row's product).
 *
 * <p><b>How.</b> {@link #linearise} runs one forward of the rows in float32 with x marked as requiring
 * a gradient, inside a DJL {@link GradientCollector} (which turns PyTorch's thread-local grad mode on),
 * and keeps the recorded graph; each {@link Linearisation#vectorJacobianProduct} is one backward pass
 * over that graph with {@code retain_graph} ({@code JniUtils.backward(p, c_p u, keepGraph = true)}:
 * DJL 0.36's collector only exposes a backward that frees the graph and seeds ones), after which x's
 * gradient is read and zeroed. The network's parameters stay frozen (DJL loads them so), so no
 * parameter gradient is computed or accumulated. TorchScript modules stay in eval mode (dropout and
 * batch norm as at inference).
 *
 * <p><b>Concurrency.</b> DJL 0.36's {@code PtGradientCollector} holds a JVM-wide static flag: a second
 * collector opened while one is open throws "A PtGradientCollector is already collecting", and Spark
 * runs several tasks per executor JVM. The forward under the collector is therefore serialised by one
 * JVM-wide lock ({@link #AUTOGRAD}); backward passes and inference forwards run outside it. A DJL
 * trainer running in the same JVM at the same time (not something a Sampleforge job does) would still
 * collide with it. One instance (and its current linearisation) belongs to one thread at a time.
 *
 * <p><b>Lifetime.</b> A linearisation holds the graph's native memory (activations of the rows) until
 * the next {@link #linearise} on the same instance or {@link #close}; a product on a superseded one is
 * refused. <b>Cost</b>: {@link #linearise} is one forward with the graph recorded (1 NFE, counted in
 * {@link #forwards()}); each product is one backward pass (about two forwards of arithmetic, counted in
 * {@link #backwards()}), with no second forward. The float64 x is rounded to float32 at the call, as
 * for inference, so x0_hat and the products are float32-accurate.
 */
public final class AutogradDenoiser implements DifferentiableDenoiser, AutoCloseable {
  /** JVM-wide: only one DJL PyTorch gradient collector may be open at a time (see the class comment). */
  public static final ReentrantLock AUTOGRAD = new ReentrantLock();

  /** The network's side: its prediction for rows x (which require a gradient) at one model time. */
  @FunctionalInterface
  public interface Network {
    /** The prediction [rows, *shape] (float32) of x [rows, *shape] at {@code modelTime}; x must stay in the graph. */
    NDArray forward(NDManager manager, NDArray x, int rows, double modelTime);
  }

  private final NDManager parent;
  private final IntFunction<Shape> batchShape;
  private final int dimension;
  private final PredictionType type;
  private final Network network;
  private final String what;
  private NDManager live;
  private long generation;
  private long forwards;
  private long backwards;

  /**
   * @param parent the manager of the model (its device); every linearisation opens a sub-manager of it
   * @param batchShape the input shape for a number of rows ([rows, *shape])
   * @param dimension D, the values per row
   * @param type what the network predicts
   * @param network the differentiable forward
   * @param what the model's identity, for error messages
   */
  public AutogradDenoiser(NDManager parent, IntFunction<Shape> batchShape, int dimension, PredictionType type,
      Network network, String what) {
    if (!"PyTorch".equals(parent.getEngine().getEngineName())) {
      throw new IllegalArgumentException("autograd needs DJL's PyTorch engine; " + what + " runs on "
          + parent.getEngine().getEngineName());
    }
    this.parent = parent;
    this.batchShape = batchShape;
    this.dimension = dimension;
    this.type = type;
    this.network = network;
    this.what = what;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  /** The network's prediction type. */
  public PredictionType predictionType() {
    return type;
  }

  /** Forwards run so far (one per {@link #linearise}: the NFE). */
  public long forwards() {
    return forwards;
  }

  /** Backward passes run so far (one per vector-Jacobian product). */
  public long backwards() {
    return backwards;
  }

  @Override
  public Linearisation linearise(double[] x, int rows, NoiseLevel level) {
    int d = dimension;
    if (x.length != rows * d) {
      throw new IllegalArgumentException("x holds " + x.length + " values, expected rows " + rows + " x D " + d);
    }
    double alpha = level.alpha();
    double sigma = level.sigma();
    if (!(sigma > 0) || !(alpha > 0) || !Double.isFinite(level.modelTime())) {
      throw new IllegalArgumentException("the network is differentiated at 0 < sigma, 0 < alpha and a finite model "
          + "time only; got " + level);
    }
    double cx = switch (type) {
      case EPSILON -> 1 / alpha;
      case SAMPLE -> 0;
      case V -> alpha;
    };
    double cp = switch (type) {
      case EPSILON -> -sigma / alpha;
      case SAMPLE -> 1;
      case V -> -sigma;
    };
    release();
    NDManager m = parent.newSubManager();
    live = m;
    long mine = ++generation;
    float[] xs = new float[x.length];
    for (int j = 0; j < x.length; j++) {
      xs[j] = (float) x[j];
    }
    Shape shape = batchShape.apply(rows);
    NDArray input = m.create(xs, shape);
    input.setRequiresGradient(true);
    NDArray out;
    AUTOGRAD.lock();
    try (GradientCollector collector = m.getEngine().newGradientCollector()) {
      out = network.forward(m, input, rows, level.modelTime());
    } finally {
      AUTOGRAD.unlock();
    }
    forwards++;
    if (!out.getShape().equals(shape)) {
      throw new IllegalStateException(what + " returned " + out.getShape() + " for input " + shape);
    }
    if (out.getDataType() != DataType.FLOAT32) {
      throw new IllegalStateException(what + " returned " + out.getDataType() + ", expected float32");
    }
    float[] p = out.toFloatArray();
    double[] data = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      data[j] = type.toData(p[j], x[j], alpha, sigma);
    }
    NDArray prediction = out;
    return new Linearisation() {
      @Override
      public double[] data() {
        return data;
      }

      @Override
      public void vectorJacobianProduct(double[] u, double[] result) {
        if (u.length != rows * d || result.length != rows * d) {
          throw new IllegalArgumentException("u and out must hold rows " + rows + " x D " + d + " values");
        }
        if (mine != generation || live == null) {
          throw new IllegalStateException("this linearisation of " + what + " was superseded by a later linearise "
              + "call or closed: its graph is freed");
        }
        if (cp == 0) {
          Arrays.fill(result, 0);
        } else {
          float[] seed = new float[u.length];
          for (int j = 0; j < u.length; j++) {
            seed[j] = (float) (cp * u[j]);
          }
          NDArray upstream = live.create(seed, shape);
          JniUtils.backward((PtNDArray) prediction, (PtNDArray) upstream, true, false);
          backwards++;
          NDArray gradient = input.getGradient();
          float[] g = gradient.toFloatArray();
          gradient.subi(gradient); // x's gradient accumulates across backward passes
          for (int j = 0; j < g.length; j++) {
            result[j] = g[j];
          }
        }
        for (int j = 0; j < u.length; j++) {
          result[j] += cx * u[j];
        }
      }
    };
  }

  private void release() {
    if (live != null) {
      live.close();
      live = null;
    }
  }

  /** Frees the current linearisation's graph (the model itself belongs to the caller). */
  @Override
  public void close() {
    release();
  }
}
