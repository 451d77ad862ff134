package io.sampleforge.spark.subset;

import io.sampleforge.subset.GmeShard;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Executor-side registry of the {@link GmeShard}s (with their item ids) of running distributed
 * GME selections, keyed by (run id, shard). A shard lives in the executor JVM between the Spark
 * rounds of one selection (one round per pick), so a round ships only the newest picks. A task
 * that finds no shard (first round, a new executor, an evicted entry) rebuilds it from its cached
 * partition and replays the pick history, so losing an entry costs time, never correctness.
 */
final class GmeShards {
  /** A shard and the ids of its items, by local index. */
  record Entry(GmeShard shard, List<Object> ids) {}

  private static final Map<String, Entry> SHARDS = new ConcurrentHashMap<>();

  private GmeShards() {}

  static String key(String runId, int shard) {
    return runId + "/" + shard;
  }

  static Entry get(String key) {
    return SHARDS.get(key);
  }

  static void put(String key, Entry entry) {
    Entry old = SHARDS.put(key, entry);
    if (old != null && old.shard() != entry.shard()) {
      old.shard().close();
    }
  }

  /** Drops every shard of a run held by this JVM. */
  static void release(String runId) {
    SHARDS.entrySet().removeIf(e -> {
      if (e.getKey().startsWith(runId + "/")) {
        e.getValue().shard().close();
        return true;
      }
      return false;
    });
  }
}
