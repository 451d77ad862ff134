package io.sampleforge.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The key/value tensors of the rows a cached causal LM is decoding, kept from one call to the next
 * under a hash of each row's token prefix. The present tensor of one forward ([L, 2, B, H, P, D])
 * is kept whole, as a group that its B rows refer to by index. When the rows extended by the next
 * call are exactly one group in the same order (a batch that continues together: the usual step),
 * the group is fed back as the past without a copy; otherwise each row's slice is cut and the
 * slices are concatenated. Entries that a call does not extend (rows that finished) are released
 * when the call ends, so memory is bounded by the rows in flight. One per predictor; not
 * thread-safe. Cost: no copy for a continuing batch, else one slice per row plus one concatenation.
 */
final class PrefixCache implements AutoCloseable {
  private static final class Group {
    private final NDArray present;
    private int live;

    private Group(NDArray present, int live) {
      this.present = present;
      this.live = live;
    }
  }

  private record Slot(Group group, int index) {}

  /** The past of the rows taken for one forward; closing it releases what the forward no longer needs. */
  static final class Past implements AutoCloseable {
    private final NDArray array;
    private final List<Slot> slots;
    private final List<NDArray> temporaries;

    private Past(NDArray array, List<Slot> slots, List<NDArray> temporaries) {
      this.array = array;
      this.slots = slots;
      this.temporaries = temporaries;
    }

    NDArray array() {
      return array;
    }

    @Override
    public void close() {
      temporaries.forEach(NDArray::close);
      slots.forEach(PrefixCache::release);
    }
  }

  private final NDManager manager;
  private Map<Long, Slot> previous = new HashMap<>();
  private Map<Long, Slot> current = new HashMap<>();

  /** Kept arrays live in {@code manager}, which this cache closes. */
  PrefixCache(NDManager manager) {
    this.manager = manager;
  }

  /** Where a present tensor must live before {@link #put}. */
  NDManager manager() {
    return manager;
  }

  /** Starts a decoding call: the entries written by the last call become extendable. */
  void beginCall() {
    releaseAll(previous);
    previous = current;
    current = new HashMap<>();
  }

  /** Ends a decoding call: entries of the last call that this one did not extend are released. */
  void endCall() {
    releaseAll(previous);
  }

  boolean contains(long prefix) {
    return previous.containsKey(prefix);
  }

  /** Removes the rows' entries (all must be present) and returns their past, batched in this order. */
  Past take(List<Long> prefixes) {
    List<Slot> slots = new ArrayList<>(prefixes.size());
    for (long p : prefixes) {
      Slot s = previous.remove(p);
      if (s == null) {
        throw new IllegalStateException("no cached prefix " + p);
      }
      slots.add(s);
    }
    Group first = slots.get(0).group();
    boolean whole = first.present.getShape().get(2) == slots.size();
    for (int i = 0; whole && i < slots.size(); i++) {
      whole = slots.get(i).group() == first && slots.get(i).index() == i;
    }
    if (whole) {
      return new Past(first.present, slots, List.of());
    }
    List<NDArray> parts = new ArrayList<>(slots.size());
    for (Slot s : slots) {
      parts.add(s.group().present.get(new NDIndex(":, :, {}:{}", s.index(), s.index() + 1)));
    }
    if (parts.size() == 1) {
      return new Past(parts.get(0), slots, parts);
    }
    NDArray joined = NDArrays.concat(new NDList(parts), 2);
    List<NDArray> temporaries = new ArrayList<>(parts);
    temporaries.add(joined);
    return new Past(joined, slots, temporaries);
  }

  /** Keeps a forward's present tensor (already in {@link #manager()}) for its rows, in batch order. */
  void put(List<Long> prefixes, NDArray present) {
    Group g = new Group(present, prefixes.size());
    for (int i = 0; i < prefixes.size(); i++) {
      Slot old = current.put(prefixes.get(i), new Slot(g, i));
      if (old != null) {
        release(old);
      }
    }
  }

  /** Rows kept (extendable in the next call). */
  int size() {
    return current.size();
  }

  private static void release(Slot s) {
    if (--s.group().live == 0) {
      s.group().present.close();
    }
  }

  private static void releaseAll(Map<Long, Slot> slots) {
    slots.values().forEach(PrefixCache::release);
    slots.clear();
  }

  /** Drops every entry. */
  void clear() {
    releaseAll(previous);
    releaseAll(current);
  }

  @Override
  public void close() {
    clear();
    manager.close();
  }
}
