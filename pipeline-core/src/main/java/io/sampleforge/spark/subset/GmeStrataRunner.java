package io.sampleforge.spark.subset;

import io.sampleforge.spark.common.ChunkedRows;
import io.sampleforge.spark.common.TaskMemoryReservation;

import io.sampleforge.subset.GmeRanking;
import io.sampleforge.subset.GmeSettings;
import io.sampleforge.subset.GreedyMaxEntropy;
import io.sampleforge.subset.ItemCorpus;
import io.sampleforge.subset.ItemCorpusBuilder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Runs the GME kernel inside a task, one stratum at a time: the partition holds whole strata with
 * items sorted by id (the tie-break order); each stratum's items are compressed into an {@link
 * ItemCorpus}, selected, and emitted as ranking rows (stratum, rank, item, entropy per column,
 * objective, entropy_decreased) before the next stratum is read. Memory: one stratum's corpus,
 * booked against the task's execution memory.
 */
final class GmeStrataRunner implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LogManager.getLogger(GmeStrataRunner.class);
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private final GmeSettings settings;
  private final Map<String, Long> picks;
  private final boolean stratified;

  GmeStrataRunner(GmeSettings settings, Map<String, Long> picks) {
    this.settings = settings;
    this.picks = picks;
    this.stratified = settings.stratifyBy() != null;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    int cols = settings.attributes().size();
    Row[] pending = {rows.hasNext() ? rows.next() : null};
    return new ChunkedRows<>(() -> pending[0] != null, () -> nextStratum(rows, pending, cols));
  }

  /**
   * Reads the rows of the stratum starting at pending[0] (advancing it) and selects from them. The
   * corpus's heap is booked as it grows ({@link TaskMemoryReservation}), so the sort feeding this
   * task spills to disk to make room, and a stratum too large for the executor fails with a clear
   * message instead of an out-of-memory crash.
   */
  private List<Row> nextStratum(Iterator<Row> rows, Row[] pending, int cols) {
    Object stratum = pending[0].get(0);
    String key = keyOf(pending[0]);
    try (TaskMemoryReservation memory = new TaskMemoryReservation("gme: the item corpus of "
        + (key == null ? "the input" : "stratum " + key), "give executors more memory (spark.executor.memory, "
        + "--driver-memory in local mode), stratify the selection (stratify_by), or use scoring: distributed "
        + "with more shards")) {
      ItemCorpusBuilder builder = new ItemCorpusBuilder(cols, settings.binarised());
      List<Object> ids = new ArrayList<>();
      while (pending[0] != null && java.util.Objects.equals(key, keyOf(pending[0]))) {
        Row r = pending[0];
        List<List<String>> values = new ArrayList<>(cols);
        for (int j = 0; j < cols; j++) {
          values.add(r.getList(4 + j));
        }
        builder.add(r.getLong(3), values);
        ids.add(r.get(2));
        if ((builder.items() & (BOOK_EVERY_ITEMS - 1)) == 0) {
          memory.reserve(builder.bytesHeld() + ID_BYTES * ids.size());
        }
        pending[0] = rows.hasNext() ? rows.next() : null;
      }
      memory.reserve(Math.max(builder.bytesHeld(), builder.bytesToSelect()) + ID_BYTES * ids.size());
      ItemCorpus corpus = builder.build();
      return select(stratum, key, corpus, ids);
    }
  }

  /** Items between two memory bookings (a power of two). */
  private static final int BOOK_EVERY_ITEMS = 1 << 14;
  /** Heap per item id held for the output (boxed id and its list slot): an estimate. */
  private static final long ID_BYTES = 48;

  private static String keyOf(Row r) {
    return r.isNullAt(1) ? null : r.getString(1);
  }

  private List<Row> select(Object stratum, String key, ItemCorpus corpus, List<Object> ids) {
    Long planned = picks.get(key);
    if (planned == null) {
      throw new IllegalStateException("no plan for stratum " + key);
    }
    int n = (int) Math.min(planned, corpus.items());
    TaskContext tc = TaskContext.get();
    int threads = settings.threads() > 0 ? settings.threads() : (tc == null ? 1 : Math.max(1, tc.cpus()));
    long stratumKey = key == null ? 0L : io.sampleforge.random.Hash64.of(key);
    long[] lastLog = {System.nanoTime()};
    long start = lastLog[0];
    GmeRanking ranking;
    try (GreedyMaxEntropy gme = new GreedyMaxEntropy(corpus, settings.selector(), settings.candidates(), settings.seed(),
        stratumKey, threads)) {
      ranking = gme.select(n, (done, total) -> {
        long now = System.nanoTime();
        if (now - lastLog[0] > LOG_EVERY_NANOS) {
          lastLog[0] = now;
          LOG.info("gme {}: {}/{} picks ({} items), {} picks/s", key == null ? "all" : key, done, total, corpus.items(),
              String.format("%.1f", done / ((now - start) / 1e9)));
        }
      });
    }
    int cols = corpus.columns();
    List<Row> out = new ArrayList<>(ranking.picks());
    for (int r = 0; r < ranking.picks(); r++) {
      List<Object> fields = new ArrayList<>(cols + 5);
      if (stratified) {
        fields.add(stratum);
      }
      fields.add(r + 1);
      fields.add(ids.get(ranking.items()[r]));
      for (int j = 0; j < cols; j++) {
        fields.add(ranking.entropy(r, j));
      }
      fields.add(ranking.objective()[r]);
      fields.add(ranking.decreased()[r]);
      out.add(RowFactory.create(fields.toArray()));
    }
    return out;
  }
}
