package io.sampleforge.spark.diffusion;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.diffusion.continuous.FkcResult;
import io.sampleforge.diffusion.continuous.FkcSampler;
import io.sampleforge.diffusion.continuous.FkcSettings;
import io.sampleforge.diffusion.continuous.GaussianDraws;
import io.sampleforge.diffusion.continuous.LabelledDenoiser;
import io.sampleforge.diffusion.continuous.NonFiniteOutputException;
import io.sampleforge.diffusion.continuous.ProductOfExperts;
import io.sampleforge.diffusion.training.OneHotEncoding;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.random.Hash64;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

/**
 * The executor side of {@link GaussianSampling} with Feynman-Kac corrector SMC ({@link FkcSampler};
 * Skreta et al., ICML 2025): each input row is a group g of a labelled request (id, key, g, label,
 * count); the group's K particles follow the guided target p_c^w p_u^(1-w) ({@link
 * ProductOfExperts#guided}: the conditional model with the row's label and the task's unconditional
 * model, two calls per step on all the batch's particles), are reweighted and resampled by the
 * corrector, and resampled once more at the end so that the K output rows carry equal weights. Particle
 * p of group g is sample index g K + p (indices at or beyond the request's count are dropped from its
 * last group); the group key is (xxhash64(id), g), so a group never depends on its batch or partition.
 * Output rows add the particle's lineage (initial index in its group) and the group's smallest ESS over
 * the steps as a fraction of K. Batches hold max(1, batch_size / K) groups. Cost: N steps of 2 calls on
 * (groups x K) rows per batch.
 */
final class FkcSamplingRunner implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private final GaussianModelSpec model;
  private final GaussianSamplingSettings settings;
  private final LongAccumulator modelCalls;

  FkcSamplingRunner(GaussianModelSpec model, GaussianSamplingSettings settings, LongAccumulator modelCalls) {
    this.model = model;
    this.settings = settings;
    this.modelCalls = modelCalls;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) throws Exception {
    String solverJson = new ObjectMapper().writeValueAsString(settings.describe(true));
    String modelJson = new ObjectMapper().writeValueAsString(model.identity());
    FkcSettings smc = new FkcSettings(settings.smc().particles(), settings.smc().essThreshold(), true,
        settings.smc().motion());
    FkcSampler sampler = new FkcSampler(settings.solver().timeGrid(), smc);
    GaussianDraws draws = new GaussianDraws(settings.seed());
    int k = smc.particles();
    int groupsPerBatch = Math.max(1, settings.batchSize() / k);
    int d = model.dimension();
    int width = model.columns().size();
    Standardisation toData = model.standardisation();
    OneHotEncoding oneHot = model.oneHot().orElse(null);
    return new Iterator<>() {
      private GaussianModelSpec.DenoiserHandle handle;
      private final List<Row> pending = new ArrayList<>();
      private int next;

      @Override
      public boolean hasNext() {
        while (next >= pending.size()) {
          pending.clear();
          next = 0;
          if (!input.hasNext()) {
            close();
            return false;
          }
          fill();
        }
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
        List<Row> batch = new ArrayList<>(groupsPerBatch);
        while (input.hasNext() && batch.size() < groupsPerBatch) {
          batch.add(input.next());
        }
        int classes = model.numClasses();
        long[] groupKeys = new long[batch.size()];
        int[] labels = new int[batch.size() * k];
        for (int g = 0; g < groupKeys.length; g++) {
          Row r = batch.get(g);
          groupKeys[g] = Hash64.combine(r.getLong(1), r.getInt(2));
          java.util.Arrays.fill(labels, g * k, (g + 1) * k, r.isNullAt(3) ? classes : r.getInt(3));
        }
        if (handle == null) {
          handle = model.open();
        }
        ProductOfExperts target = ProductOfExperts.guided(LabelledDenoiser.of(handle.conditional(), labels),
            handle.denoiser(), settings.guidanceScale());
        FkcResult out;
        try {
          out = sampler.sample(target, groupKeys, draws);
        } catch (NonFiniteOutputException e) {
          close();
          Row r = batch.get(e.row() / k);
          throw InputDataException.of("model", "must return finite predictions (the job writes no NaN)",
              e.value() + " for request id " + r.get(0) + ", sample index " + (r.getInt(2) * k + e.row() % k)
                  + ", coordinate " + e.coordinate() + " at solver step " + e.step() + " (" + e.level() + ")");
        }
        if (modelCalls != null) {
          modelCalls.add(out.modelCalls());
        }
        double[] samples = out.samples();
        for (int g = 0; g < groupKeys.length; g++) {
          Row r = batch.get(g);
          int count = k == 1 ? 1 : r.getInt(4);
          double essMin = Double.POSITIVE_INFINITY;
          for (double e : out.essTrace()[g]) {
            essMin = Math.min(essMin, e / k);
          }
          for (int p = 0; p < k; p++) {
            int index = r.getInt(2) * k + p;
            if (k > 1 && index >= count) {
              break;
            }
            int row = g * k + p;
            toData.toData(samples, row * d);
            Object[] values = new Object[width + 9];
            values[0] = r.get(0);
            values[1] = index;
            values[2] = r.isNullAt(3) ? null : r.getInt(3);
            SampleValues.put(samples, row * d, d, oneHot, values, 3);
            values[width + 3] = out.modelCalls();
            values[width + 4] = solverJson;
            values[width + 5] = modelJson;
            values[width + 6] = settings.seed();
            values[width + 7] = out.lineage()[row];
            values[width + 8] = essMin;
            pending.add(RowFactory.create(values));
          }
        }
      }
    };
  }
}
