package io.sampleforge.spark.subset;

import static org.apache.spark.sql.functions.col;

import io.sampleforge.subset.GmeSettings;
import io.sampleforge.subset.GmeShard;
import io.sampleforge.subset.ItemCorpusBuilder;
import io.sampleforge.subset.PickedItem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code scoring: distributed} mode of {@link GmeSelection} for one stratum: items are
 * range-partitioned by id into shards (cached), each shard lives in its executor's {@link
 * GmeShards} registry between rounds, and every pick is one Spark round: each shard replays the
 * picks it has not seen yet and returns its best candidate; the driver keeps the best by
 * (objective, shard, index), which is the global (objective, item id) order because shards are id
 * ranges. Picks travel as a broadcast history refreshed every {@value #BROADCAST_EVERY} picks plus
 * the newer tail in the task closure. Rankings equal the in-task mode's bit for bit. Cost per
 * pick: one Spark job (tens of milliseconds of scheduling) plus the in-task cost spread over the
 * shards.
 */
final class DistributedGme {
  private static final Logger LOG = LogManager.getLogger(DistributedGme.class);
  private static final int BROADCAST_EVERY = 256;
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private DistributedGme() {}

  /** Ranking rows (stratum?, rank, item, entropies, objective, decreased) of one stratum. */
  static List<Row> select(Dataset<Row> stratumItems, Object stratum, GmeSettings s, int[] cardinalities, int picks,
      int shards) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(stratumItems.sparkSession().sparkContext());
    JavaRDD<Row> items = stratumItems.repartitionByRange(shards, col(GmeItems.ITEM))
        .sortWithinPartitions(col(GmeItems.ITEM)).toJavaRDD().persist(StorageLevel.MEMORY_AND_DISK());
    String runId = UUID.randomUUID().toString();
    int cols = s.attributes().size();
    List<PickedItem> history = new ArrayList<>();
    Broadcast<PickedItem[]> published = jsc.broadcast(new PickedItem[0]);
    List<Row> out = new ArrayList<>(picks);
    double[] previous = new double[cols];
    long start = System.nanoTime();
    long lastLog = start;
    try {
      for (int r = 0; r < picks; r++) {
        if (r > 0 && r % BROADCAST_EVERY == 0) {
          published.unpersist();
          published = jsc.broadcast(history.toArray(new PickedItem[0]));
        }
        Broadcast<PickedItem[]> base = published;
        int publishedSize = r - r % BROADCAST_EVERY;
        PickedItem[] tail = history.subList(publishedSize, r).toArray(new PickedItem[0]);
        int round = r;
        List<Object[]> candidates = items.mapPartitionsWithIndex((shard, rows) -> {
          GmeShards.Entry e = shardOf(runId, shard, rows, s, cardinalities);
          GmeShard g = e.shard();
          PickedItem[] old = base.value();
          while (g.applied() < round) {
            int next = g.applied();
            g.replay(next < old.length ? old[next] : tail[next - old.length]);
          }
          GmeShard.Candidate c = g.best();
          if (c == null) {
            return Collections.emptyIterator();
          }
          return List.<Object[]>of(new Object[] {c.shard(), c.index(), c.objective(), c.entropies(), g.picked(c.index()),
              e.ids().get(c.index())}).iterator();
        }, false).collect();
        Object[] winner = null;
        for (Object[] c : candidates) {
          if (winner == null || GmeShard.beats(candidate(c), candidate(winner), s.selector())) {
            winner = c;
          }
        }
        if (winner == null) {
          throw new IllegalStateException("no candidate left at pick " + (r + 1) + " of " + picks);
        }
        history.add((PickedItem) winner[4]);
        double[] h = (double[]) winner[3];
        List<Object> fields = new ArrayList<>();
        if (s.stratifyBy() != null) {
          fields.add(stratum);
        }
        fields.add(r + 1);
        fields.add(winner[5]);
        boolean decreased = false;
        for (int j = 0; j < cols; j++) {
          fields.add(h[j]);
          decreased |= h[j] < previous[j];
        }
        System.arraycopy(h, 0, previous, 0, cols);
        fields.add(winner[2]);
        fields.add(decreased);
        out.add(RowFactory.create(fields.toArray()));
        long now = System.nanoTime();
        if (now - lastLog > LOG_EVERY_NANOS) {
          lastLog = now;
          LOG.info("gme (distributed, {} shards): {}/{} picks, {} picks/s", shards, r + 1, picks,
              String.format("%.1f", (r + 1) / ((now - start) / 1e9)));
        }
      }
    } finally {
      items.foreachPartition(rows -> GmeShards.release(runId));
      GmeShards.release(runId);
      published.unpersist();
      items.unpersist();
    }
    return out;
  }

  private static GmeShard.Candidate candidate(Object[] c) {
    return new GmeShard.Candidate((Integer) c[0], (Integer) c[1], (Double) c[2], (double[]) c[3]);
  }

  private static GmeShards.Entry shardOf(String runId, int shard, Iterator<Row> rows, GmeSettings s,
      int[] cardinalities) {
    String key = GmeShards.key(runId, shard);
    GmeShards.Entry e = GmeShards.get(key);
    if (e != null) {
      return e;
    }
    int cols = s.attributes().size();
    ItemCorpusBuilder b = new ItemCorpusBuilder(cols, s.binarised());
    List<Object> ids = new ArrayList<>();
    while (rows.hasNext()) {
      Row row = rows.next();
      List<List<String>> values = new ArrayList<>(cols);
      for (int j = 0; j < cols; j++) {
        values.add(row.getList(row.fieldIndex(GmeItems.values(j))));
      }
      b.add(row.getLong(row.fieldIndex(GmeItems.KEY)), values);
      ids.add(row.get(row.fieldIndex(GmeItems.ITEM)));
    }
    TaskContext tc = TaskContext.get();
    int threads = s.threads() > 0 ? s.threads() : (tc == null ? 1 : Math.max(1, tc.cpus()));
    e = new GmeShards.Entry(new GmeShard(shard, b.build(), s.selector(), cardinalities, threads), ids);
    GmeShards.put(key, e);
    return e;
  }
}
