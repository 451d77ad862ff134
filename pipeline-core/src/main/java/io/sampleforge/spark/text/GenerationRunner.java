package io.sampleforge.spark.text;

import io.sampleforge.spark.common.ChunkedRows;
import io.sampleforge.spark.common.TaskDevices;

import ai.djl.ndarray.NDManager;
import io.sampleforge.decode.BatchDecoder;
import io.sampleforge.decode.ContextOverflow;
import io.sampleforge.decode.GenerationSettings;
import io.sampleforge.decode.SequenceState;
import io.sampleforge.model.LoadedModel;
import io.sampleforge.model.ModelSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The task side of {@link TextGeneration}: reads prompts in chunks, groups a chunk by the rows'
 * sampler settings (per-row overrides), sorts each group by prompt length, decodes batches of
 * {@code batch_size} (prompt, sample) rows, and emits output rows.
 * One NDManager per task (closed when the task completes); progress logged every 10 s.
 */
final class GenerationRunner implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LogManager.getLogger(GenerationRunner.class);
  private static final int CHUNK_BATCHES = 16;

  private final Broadcast<ModelSpec> model;
  private final GenerationSettings settings;
  private final ContextOverflow overflow;

  private final List<String> overrides;

  GenerationRunner(Broadcast<ModelSpec> model, GenerationSettings settings, ContextOverflow overflow,
      List<String> overrides) {
    this.overrides = List.copyOf(overrides);
    this.overflow = overflow;
    this.model = model;
    this.settings = settings;
  }

  /** Length (about 90 lines): the task's whole life (device, NDManager and its completion listener, chunked reading, batching) in the order it happens, so the resource handling can be checked in one place. */
  @Override
  public Iterator<Row> call(Iterator<Row> prompts) {
    TaskDevices.configureThreads();
    ai.djl.Device device = TaskDevices.current();
    LoadedModel lm = model.value().open(device);
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    TaskContext tc = TaskContext.get();
    if (tc != null) {
      tc.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> {
        manager.close();
        try {
          lm.resources().close();
        } catch (Exception e) {
          LOG.warn("closing the model failed", e);
        }
      });
    }
    GenerationSettings withTokens = new GenerationSettings(settings.sampler().withModelTokens(lm.bannedIds(), lm.eosIds()),
        settings.samplesPerPrompt(), settings.maxNewTokens(), settings.stop(), settings.batchSize(), settings.seed());
    int context = model.value().context();
    boolean keepBos = model.value().startsWithBos();
    java.util.Map<io.sampleforge.decode.SamplerSettings, BatchDecoder> decoders = new java.util.HashMap<>();
    String identity = model.value().identity();
    long start = System.nanoTime();
    long[] tokens = {0};
    long[] lastLog = {start};
    return new ChunkedRows<>(prompts::hasNext, new java.util.function.Supplier<List<Row>>() {
      @Override
      public List<Row> get() {
        return nextChunk();
      }

      private List<Row> nextChunk() {
        record Prompt(Object id, long key, int[] ids, io.sampleforge.decode.SamplerSettings sampler) {}
        List<Prompt> chunk = new ArrayList<>();
        int limit = Math.max(1, settings.batchSize() * CHUNK_BATCHES / settings.samplesPerPrompt());
        while (prompts.hasNext() && chunk.size() < limit) {
          Row r = prompts.next();
          int[] ids = lm.encode().apply(r.getString(1));
          if (context > 0 && ids.length > context - 1) {
            if (overflow != ContextOverflow.TRUNCATE_LEFT) {
              throw new IllegalStateException("prompt of " + ids.length + " tokens exceeds the context " + context);
            }
            ids = ContextOverflow.truncateLeft(ids, context - 1, keepBos);
          }
          io.sampleforge.decode.SamplerSettings rowSampler = withTokens.sampler();
          for (int o = 0; o < overrides.size(); o++) {
            if (!r.isNullAt(3 + o)) {
              rowSampler = rowSampler.with(overrides.get(o), r.getDouble(3 + o));
            }
          }
          chunk.add(new Prompt(r.get(0), r.getLong(2), ids, rowSampler));
        }
        // rows sharing sampler settings decode together (keyed draws: grouping never changes a row)
        java.util.Map<io.sampleforge.decode.SamplerSettings, List<Prompt>> groups = new java.util.LinkedHashMap<>();
        chunk.forEach(p -> groups.computeIfAbsent(p.sampler(), k -> new ArrayList<>()).add(p));
        List<Row> out = new ArrayList<>();
        for (java.util.Map.Entry<io.sampleforge.decode.SamplerSettings, List<Prompt>> g : groups.entrySet()) {
          BatchDecoder decoder = decoders.computeIfAbsent(g.getKey(), k -> new BatchDecoder(lm.lm(),
              new GenerationSettings(k, settings.samplesPerPrompt(), settings.maxNewTokens(), settings.stop(),
                  settings.batchSize(), settings.seed()), context));
          String samplerJson = g.getKey().describe();
          List<Prompt> group = new ArrayList<>(g.getValue());
          group.sort(Comparator.comparingInt((Prompt p) -> p.ids().length));
          List<SequenceState> rows = new ArrayList<>();
          List<Object> ids = new ArrayList<>();
          for (Prompt p : group) {
            for (int s = 0; s < settings.samplesPerPrompt(); s++) {
              rows.add(new SequenceState(p.key(), s, p.ids()));
              ids.add(p.id());
            }
          }
          for (int from = 0; from < rows.size(); from += settings.batchSize()) {
            int to = Math.min(rows.size(), from + settings.batchSize());
            List<BatchDecoder.Result> results = decoder.decode(manager, rows.subList(from, to), lm.decode());
            for (int i = from; i < to; i++) {
              BatchDecoder.Result res = results.get(i - from);
              tokens[0] += res.tokens().length;
              out.add(RowFactory.create(ids.get(i), rows.get(i).sampleIndex(), res.text(), res.tokens().length,
                  res.reason().id(), res.logProbability(), samplerJson, identity, settings.seed()));
            }
            long now = System.nanoTime();
            if (now - lastLog[0] > 10_000_000_000L) {
              lastLog[0] = now;
              LOG.info("generate: {} tokens in this task, {} tokens/s", tokens[0],
                  String.format("%.0f", tokens[0] / ((now - start) / 1e9)));
            }
          }
        }
        return out;
      }
    });
  }
}
