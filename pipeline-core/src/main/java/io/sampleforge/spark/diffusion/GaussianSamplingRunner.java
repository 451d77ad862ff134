package io.sampleforge.spark.diffusion;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.diffusion.continuous.ClassifierFreeGuidance;
import io.sampleforge.diffusion.continuous.Denoiser;
import io.sampleforge.diffusion.continuous.DiscreteVpSchedule;
import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.GaussianMixture;
import io.sampleforge.diffusion.continuous.RowMixtureDenoiser;
import io.sampleforge.diffusion.continuous.GaussianSolver;
import io.sampleforge.diffusion.continuous.LabelledDenoiser;
import io.sampleforge.diffusion.continuous.NonFiniteOutputException;
import io.sampleforge.diffusion.continuous.SampleBatch;
import io.sampleforge.diffusion.continuous.SampleKey;
import io.sampleforge.diffusion.continuous.TimeShiftDenoiser;
import io.sampleforge.diffusion.training.OneHotEncoding;
import io.sampleforge.errors.InputDataException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

/**
 * The executor side of {@link GaussianSampling}: takes (id, key, sample index) rows in batches of
 * {@code batch_size}, runs the solver on the task's denoiser (opened once per task) and emits one
 * output row per sample, lazily (one batch in memory). Labelled rows (a fourth column, null for the
 * null class) run the task's conditional model with the batch's labels bound ({@link LabelledDenoiser})
 * or classifier-free guidance when the scale is not 1. Conditioned rows (a fourth column: the request's
 * condition values) run the exact mixture conditioned per request ({@link RequestConditions}, computed once per
 * request and batch) and get the request's values in the condition columns. A non-finite model output fails the task
 * with an {@link InputDataException} naming the request id, the sample index and the step.
 */
final class GaussianSamplingRunner implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private final GaussianModelSpec model;
  private final GaussianSamplingSettings settings;
  private final LongAccumulator modelCalls;
  private final boolean labelled;
  private final RequestConditions conditions;

  GaussianSamplingRunner(GaussianModelSpec model, GaussianSamplingSettings settings, boolean labelled,
      RequestConditions conditions, LongAccumulator modelCalls) {
    this.labelled = labelled;
    this.conditions = conditions;
    this.model = model;
    this.settings = settings;
    this.modelCalls = modelCalls;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) throws Exception {
    ObjectMapper json = new ObjectMapper();
    String solverJson = json.writeValueAsString(settings.describe(labelled));
    String modelJson = json.writeValueAsString(model.identity());
    GaussianSolver solver = settings.buildSolver();
    GaussianDraws draws = new GaussianDraws(settings.seed());
    // the time shift's schedule, built once per task (TimeShiftDenoiser.wrap checks it is discrete)
    DiscreteVpSchedule shiftSchedule = settings.timeShift() == null ? null
        : (DiscreteVpSchedule) settings.solver().schedule().build();
    int d = model.dimension();
    Standardisation toData = model.standardisation();
    OneHotEncoding oneHot = model.oneHot().orElse(null);
    return new Iterator<>() {
      private GaussianModelSpec.DenoiserHandle handle;
      private final List<Row> pending = new ArrayList<>();
      private int next;

      @Override
      public boolean hasNext() {
        if (next < pending.size()) {
          return true;
        }
        pending.clear();
        next = 0;
        if (!input.hasNext()) {
          close();
          return false;
        }
        fill();
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return pending.get(next++);
      }

      private void close() {
        if (handle != null) {
          handle.close();
          handle = null;
        }
      }

      private void fill() {
        List<Row> batch = new ArrayList<>(settings.batchSize());
        while (input.hasNext() && batch.size() < settings.batchSize()) {
          batch.add(input.next());
        }
        SampleKey[] keys = new SampleKey[batch.size()];
        for (int r = 0; r < keys.length; r++) {
          keys[r] = new SampleKey(batch.get(r).getLong(1), batch.get(r).getInt(2));
        }
        if (handle == null) {
          handle = model.open();
        }
        Denoiser denoiser = handle.denoiser();
        int[] labels = null;
        if (labelled) {
          int k = model.numClasses();
          labels = new int[keys.length];
          for (int r = 0; r < keys.length; r++) {
            labels[r] = batch.get(r).isNullAt(3) ? k : batch.get(r).getInt(3);
          }
          denoiser = settings.guided() ? ClassifierFreeGuidance.of(handle.conditional(), labels, settings.guidanceScale())
              : LabelledDenoiser.of(handle.conditional(), labels);
        }
        double[][] given = null;
        if (conditions != null) {
          given = new double[keys.length][];
          GaussianMixture[] priors = new GaussianMixture[keys.length];
          Map<Long, GaussianMixture> byRequest = new HashMap<>();
          GaussianMixture joint = model.exactPrior().orElseThrow();
          for (int r = 0; r < keys.length; r++) {
            List<Double> values = batch.get(r).getList(3);
            given[r] = values.stream().mapToDouble(Double::doubleValue).toArray();
            double[] c = given[r];
            priors[r] = byRequest.computeIfAbsent(keys[r].recordKey(), k -> conditions.conditional(joint, toData, c));
          }
          denoiser = new RowMixtureDenoiser(priors, denoiser.predictionType());
        }
        if (settings.timeShift() != null && !settings.timeShiftInSolver()) {
          denoiser = new TimeShiftDenoiser(denoiser, shiftSchedule, settings.timeShift());
        }
        SampleBatch out;
        try {
          out = solver.sample(denoiser, keys, draws);
        } catch (NonFiniteOutputException e) {
          close();
          Row r = batch.get(e.row());
          throw InputDataException.of("model", "must return finite predictions (the job writes no NaN)",
              e.value() + " for request id " + r.get(0) + ", sample index " + r.getInt(2) + ", coordinate " + e.coordinate()
                  + " at solver step " + e.step() + " (" + e.level() + ")");
        }
        if (modelCalls != null) {
          modelCalls.add(out.modelCalls());
        }
        double[] samples = out.samples();
        if (conditions != null) {
          samples = withConditions(samples, given, keys.length);
        }
        int at = labelled ? 3 : 2;
        int width = model.columns().size();
        for (int r = 0; r < keys.length; r++) {
          toData.toData(samples, r * d);
          Object[] values = new Object[width + at + 4];
          values[0] = batch.get(r).get(0);
          values[1] = keys[r].sampleIndex();
          if (labelled) {
            values[2] = batch.get(r).isNullAt(3) ? null : labels[r];
          }
          if (conditions != null) {
            for (int i = 0; i < given[r].length; i++) {
              samples[r * d + conditions.modelIndex(i)] = given[r][i]; // the request's values exactly
            }
          }
          SampleValues.put(samples, r * d, d, oneHot, values, at);
          values[width + at] = out.modelCalls();
          values[width + at + 1] = solverJson;
          values[width + at + 2] = modelJson;
          values[width + at + 3] = settings.seed();
          pending.add(RowFactory.create(values));
        }
      }
    };
  }

  /**
   * Full model-space rows from the sampled columns of conditioned requests: the condition columns take the
   * request's values mapped to model space (overwritten with the table values after {@code toData}).
   */
  private double[] withConditions(double[] sampled, double[][] given, int rows) {
    int d = model.dimension();
    int s = conditions.sampledDimension();
    double[] mean = model.standardisation().mean();
    double[] scale = model.standardisation().scale();
    double[] full = new double[rows * d];
    for (int r = 0; r < rows; r++) {
      int next = 0;
      for (int j = 0; j < d; j++) {
        if (!conditions.isCondition(j)) {
          full[r * d + j] = sampled[r * s + next++];
        }
      }
      for (int i = 0; i < given[r].length; i++) {
        int j = conditions.modelIndex(i);
        full[r * d + j] = (given[r][i] - mean[j]) / scale[j];
      }
    }
    return full;
  }
}
