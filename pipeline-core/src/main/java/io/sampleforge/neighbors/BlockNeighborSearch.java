package io.sampleforge.neighbors;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Exact k-nearest-neighbour search of every row of a query block among the rows of a reference
 * block (a row is never its own neighbour; duplicates of it are), by tiled GEMMs on DJL NDArrays.
 *
 * <p>The method is the blocked brute force of kNN-IS (Maillo et al., Knowledge-Based Systems 2017)
 * with a threshold screen and pruning. Rows of both blocks are ordered along the reference block's
 * principal axis and, for each query tile, reference tiles are visited nearest-first. Each
 * [query tile × reference tile] block of screened values {@code |r|² − 2·q·rᵀ} (= d² − |q|²) is one
 * float32 GEMM of augmented rows {@code [q, 1]·[−2r, |r|²]ᵀ} on the engine's device (data centred on
 * the reference mean, so no separate scale or add pass touches the block), copied out once (a
 * tile fits in L2) and scanned row by row: only entries below the query's current k-th distance
 * (plus a tolerance bounding the float32 error) are re-ranked with exact float64 distances into a
 * running top-k in (distance, key) order. Because tiles come nearest-first, thresholds tighten
 * early and later tiles yield few candidates. Since projections onto a unit vector shrink distances, a
 * reference tile whose projected gap to the query tile exceeds every current k-th distance is
 * skipped together with all farther ones. On the CPU, when the JVM has the
 * {@code jdk.incubator.vector} module (Spark 4 adds it everywhere), the GEMM, copy and scan of a
 * tile are fused into one SIMD loop ({@link VectorTileScreen}, 128 × 256 tiles that stay in L1):
 * the same float32 screen without writing the distance block, about 2× faster than the GEMM form
 * at d = 16 ({@code bench/knn/bench.sh}); the system property
 * {@code sampleforge.knn.screen=gemm} forces the GEMM form. The result equals an exact float64
 * search with ties broken by key, in either form. Cost: at most O(nq·nr·d) multiply-adds (and,
 * in the GEMM form, one O(nq·nr) copy and scan), less the pruned tiles; memory
 * O((nq+nr)·d + tileQ·tileR) floats.
 */
public final class BlockNeighborSearch {
  /** Default rows per query tile. */
  public static final int TILE_QUERY = 128;
  /** Default rows per reference tile. */
  public static final int TILE_REFERENCE = 1024;
  /** Default rows per reference tile of the SIMD screen: 256 rows of 16 features stay in L1. */
  public static final int TILE_REFERENCE_SIMD = 256;
  private static final double SCREEN_TOLERANCE = 1e-5;

  private final int k;
  private final Device device;
  private final int tileQuery;
  private final int tileReference;
  private final boolean simd;

  /**
   * @param k neighbours per query, at least 1
   * @param device where the screen runs: the task's GPU (GEMM form), or the CPU (SIMD form where
   *     the JVM has {@code jdk.incubator.vector}, else GEMM form)
   */
  public BlockNeighborSearch(int k, Device device) {
    this(k, device, TILE_QUERY, simdScreen(device) ? TILE_REFERENCE_SIMD : TILE_REFERENCE);
  }

  /** As above with explicit tile sizes (rows of query and reference per distance block). */
  public BlockNeighborSearch(int k, Device device, int tileQuery, int tileReference) {
    this(k, device, tileQuery, tileReference, true);
  }

  /** As above; {@code allowSimd = false} keeps the GEMM form even where the SIMD screen is available. */
  BlockNeighborSearch(int k, Device device, int tileQuery, int tileReference, boolean allowSimd) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    if (tileQuery < 1 || tileReference < 1) {
      throw new IllegalArgumentException("tile sizes must be positive, got " + tileQuery + " x " + tileReference);
    }
    this.k = k;
    this.device = device;
    this.tileQuery = tileQuery;
    this.tileReference = tileReference;
    this.simd = allowSimd && simdScreen(device);
  }

  /**
   * Whether tiles are screened by the fused SIMD loop ({@link VectorTileScreen}) rather than GEMM +
   * copy: on the CPU when the {@code jdk.incubator.vector} module is present, unless the system
   * property {@code sampleforge.knn.screen} is {@code gemm}.
   */
  private static final boolean VECTOR_MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
      && !"gemm".equals(System.getProperty("sampleforge.knn.screen"));

  /**
   * One reference tile: rows (sorted along the axis), their projected interval, and the tile in the
   * screen's layout: augmented rows {@code [−2r, |r|²]} row-major (GEMM form, sent to the device per
   * search), or −2·values in strips plus squared norms (SIMD form).
   */
  private record RefTile(int[] rows, double low, double high, float[] augmented, float[] multipliers, float[] norms,
      double maxNorm) {}

  /**
   * A reference block made ready for searching: centred on its mean, ordered along its principal
   * axis and cut into tiles in the screen's layout. Immutable, so one instance may serve many
   * searches (and threads) against the same reference. Cost: O(nr·d) plus a sort; memory about
   * 4·nr·(d+1) bytes besides the block.
   */
  public static final class Prepared {
    private final FeatureBlock block;
    private final double[] mean;
    private final double[] axis;
    private final List<RefTile> tiles;
    private final boolean simd;
    private final int tileRows;

    private Prepared(FeatureBlock block, double[] mean, double[] axis, List<RefTile> tiles, boolean simd, int tileRows) {
      this.block = block;
      this.mean = mean;
      this.axis = axis;
      this.tiles = tiles;
      this.simd = simd;
      this.tileRows = tileRows;
    }

    /** The reference block. */
    public FeatureBlock block() {
      return block;
    }
  }

  /** Screen form and reference tile size: searches with equal layouts can share prepared references. */
  public String layout() {
    return (simd ? "simd" : "gemm") + tileReference;
  }

  /** Prepares {@code reference} for this search's screen form and tile size. */
  public Prepared prepare(FeatureBlock reference) {
    int nr = reference.size();
    int d = reference.dim();
    List<RefTile> tiles = new ArrayList<>();
    if (nr == 0) {
      return new Prepared(reference, new double[d], new double[d], tiles, simd, tileReference);
    }
    double[] mean = mean(reference);
    double[] axis = PrincipalAxis.of(reference, mean);
    double[] refProj = project(reference, mean, axis);
    int[] refOrder = sortedBy(refProj);
    for (int rs = 0; rs < nr; rs += tileReference) {
      int[] rows = Arrays.copyOfRange(refOrder, rs, Math.min(nr, rs + tileReference));
      float[] values = new float[rows.length * (d + 1)];
      double[] exactNorms = centre(reference, rows, mean, values, d + 1);
      double maxNorm = 0;
      for (int t = 0; t < rows.length; t++) {
        for (int j = 0; j < d; j++) {
          values[t * (d + 1) + j] *= -2f;
        }
        values[t * (d + 1) + d] = (float) exactNorms[t];
        maxNorm = Math.max(maxNorm, exactNorms[t]);
      }
      double low = refProj[rows[0]];
      double high = refProj[rows[rows.length - 1]];
      if (simd) {
        int rp = VectorTileScreen.padded(rows.length);
        float[] multipliers = new float[d * rp];
        float[] norms = new float[rp];
        Arrays.fill(norms, Float.POSITIVE_INFINITY);
        for (int t = 0; t < rows.length; t++) {
          for (int j = 0; j < d; j++) {
            multipliers[VectorTileScreen.index(t, j, d)] = values[t * (d + 1) + j];
          }
          norms[t] = values[t * (d + 1) + d];
        }
        tiles.add(new RefTile(rows, low, high, null, multipliers, norms, maxNorm));
      } else {
        tiles.add(new RefTile(rows, low, high, values, null, null, maxNorm));
      }
    }
    return new Prepared(reference, mean, axis, tiles, simd, tileReference);
  }

  /** One list per query row (in block order), each with min(k, candidates) entries. */
  public List<NeighborList> search(FeatureBlock query, FeatureBlock reference) {
    return search(query, prepare(reference));
  }

  /** As {@link #search(FeatureBlock, FeatureBlock)} against a reference prepared by an equal search. */
  public List<NeighborList> search(FeatureBlock query, Prepared prepared) {
    FeatureBlock reference = prepared.block;
    if (prepared.simd != simd || prepared.tileRows != tileReference) {
      throw new IllegalArgumentException("reference was prepared for another screen form or tile size");
    }
    if (query.size() > 0 && reference.size() > 0 && query.dim() != reference.dim()) {
      throw new IllegalArgumentException("dimension mismatch " + query.dim() + " vs " + reference.dim());
    }
    int nq = query.size();
    int nr = reference.size();
    int d = query.dim();
    RunningTopK[] best = new RunningTopK[nq];
    for (int i = 0; i < nq; i++) {
      best[i] = new RunningTopK(k);
    }
    if (nq > 0 && nr > 0) {
      double[] mean = prepared.mean;
      double[] queryProj = project(query, mean, prepared.axis);
      int[] queryOrder = sortedBy(queryProj);
      RefTile[] tiles = prepared.tiles.toArray(new RefTile[0]);
      if (simd) {
        for (int qs = 0; qs < nq; qs += tileQuery) {
          int[] qRows = Arrays.copyOfRange(queryOrder, qs, Math.min(nq, qs + tileQuery));
          float[] packed = new float[qRows.length * d];
          double[] qNorm = centre(query, qRows, mean, packed, d);
          for (int o : visitOrder(tiles, queryProj, qRows)) {
            if (!worthVisiting(tiles[o], queryProj, qRows, best)) {
              break;
            }
            screenTileSimd(query, reference, packed, qRows, qNorm, tiles[o], best);
          }
        }
      } else {
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
          NDArray[] transposed = new NDArray[tiles.length];
          for (int t = 0; t < tiles.length; t++) {
            transposed[t] = manager.create(tiles[t].augmented(), new Shape(tiles[t].rows().length, d + 1)).transpose();
          }
          for (int qs = 0; qs < nq; qs += tileQuery) {
            int[] qRows = Arrays.copyOfRange(queryOrder, qs, Math.min(nq, qs + tileQuery));
            float[] qTile = new float[qRows.length * (d + 1)];
            double[] qNorm = centre(query, qRows, mean, qTile, d + 1);
            for (int t = 0; t < qRows.length; t++) {
              qTile[t * (d + 1) + d] = 1f;
            }
            try (NDArray q = manager.create(qTile, new Shape(qRows.length, d + 1))) {
              for (int o : visitOrder(tiles, queryProj, qRows)) {
                if (!worthVisiting(tiles[o], queryProj, qRows, best)) {
                  break;
                }
                screenTile(query, reference, q, qRows, qNorm, tiles[o], transposed[o], best);
              }
            }
          }
        }
      }
    }
    List<NeighborList> out = new ArrayList<>(nq);
    for (int i = 0; i < nq; i++) {
      out.add(best[i].toList(query.key(i)));
    }
    return out;
  }

  /** Reference tiles nearest-first by projected gap to the query tile (ties by tile index). */
  private static int[] visitOrder(RefTile[] tiles, double[] queryProj, int[] qRows) {
    double low = queryProj[qRows[0]];
    double high = queryProj[qRows[qRows.length - 1]];
    double[] gaps = new double[tiles.length];
    for (int t = 0; t < tiles.length; t++) {
      gaps[t] = gap(tiles[t], low, high);
    }
    return sortedBy(gaps);
  }

  private static double gap(RefTile tile, double low, double high) {
    return Math.max(0, Math.max(tile.low() - high, low - tile.high()));
  }

  /**
   * False when the tile's projected gap exceeds every current k-th distance of the query tile: then
   * it and every farther tile can hold no neighbour.
   */
  private static boolean worthVisiting(RefTile tile, double[] queryProj, int[] qRows, RunningTopK[] best) {
    double gap = gap(tile, queryProj[qRows[0]], queryProj[qRows[qRows.length - 1]]);
    return !(gap > 0 && gap * gap > worstOf(best, qRows) * (1 + 1e-9) + 1e-12);
  }

  /** Whether tiles on {@code device} are screened by {@link VectorTileScreen}. */
  static boolean simdScreen(Device device) {
    return VECTOR_MODULE && !device.isGpu();
  }

  private static double worstOf(RunningTopK[] best, int[] rows) {
    double w = 0;
    for (int r : rows) {
      w = Math.max(w, best[r].worst());
    }
    return w;
  }

  private static void screenTile(FeatureBlock query, FeatureBlock reference, NDArray q, int[] qRows,
      double[] qNorm, RefTile tile, NDArray transposed, RunningTopK[] best) {
    int tileRows = tile.rows().length;
    float[] values;
    try (NDArray scores = q.matMul(transposed)) {
      // one copy of the whole tile (it fits in L2), screened here: cheaper than a libtorch row-min
      // (torch.min(dim) also computes indices) followed by a gather of the rows that passed
      values = scores.toFloatArray();
    }
    for (int t = 0; t < qRows.length; t++) {
      int i = qRows[t];
      RunningTopK heap = best[i];
      long queryKey = query.key(i);
      float limit = threshold(heap, qNorm[t], tile.maxNorm());
      int base = t * tileRows;
      int end = base + tileRows;
      for (int c = firstBelow(values, base, end, limit); c >= 0; c = firstBelow(values, c + 1, end, limit)) {
        int r = tile.rows()[c - base];
        long key = reference.key(r);
        if (key != queryKey) {
          heap.offer(query.squaredDistance(i, reference, r), key);
          limit = threshold(heap, qNorm[t], tile.maxNorm());
        }
      }
    }
  }

  private static void screenTileSimd(FeatureBlock query, FeatureBlock reference, float[] packed, int[] qRows,
      double[] qNorm, RefTile tile, RunningTopK[] best) {
    float[] limits = new float[qRows.length];
    for (int t = 0; t < qRows.length; t++) {
      limits[t] = threshold(best[qRows[t]], qNorm[t], tile.maxNorm());
    }
    int[] rows = tile.rows();
    VectorTileScreen.screen(packed, qRows.length, query.dim(), tile.multipliers(), tile.norms(), tile.norms().length, limits,
        (t, c, limit) -> {
          int i = qRows[t];
          int r = rows[c];
          long key = reference.key(r);
          if (key == query.key(i)) {
            return limit;
          }
          RunningTopK heap = best[i];
          heap.offer(query.squaredDistance(i, reference, r), key);
          return threshold(heap, qNorm[t], tile.maxNorm());
        });
  }

  /** Index of the first value in [from, to) below {@code limit}, or -1: the hot loop, kept tiny for the JIT. */
  private static int firstBelow(float[] values, int from, int to, float limit) {
    for (int c = from; c < to; c++) {
      if (values[c] < limit) {
        return c;
      }
    }
    return -1;
  }

  /**
   * The screened value (|r|² − 2·q·r in float32, i.e. d² − |q|²) below which a reference row might
   * still enter the query's top k: +infinity while the list is not full, else the k-th exact d²
   * minus |q|² plus a tolerance that bounds the float32 error, rounded up.
   */
  private static float threshold(RunningTopK heap, double queryNorm, double maxRefNorm) {
    if (!heap.isFull()) {
      return Float.POSITIVE_INFINITY;
    }
    double tolerance = SCREEN_TOLERANCE * (queryNorm + maxRefNorm) + 1e-12;
    return Math.nextUp((float) (heap.worst() - queryNorm + tolerance));
  }

  /**
   * Writes rows − mean as float32 into {@code out} (row-major with {@code stride} ≥ d floats per row,
   * the spare columns left for the caller) and returns their squared norms.
   */
  private static double[] centre(FeatureBlock block, int[] rows, double[] mean, float[] out, int stride) {
    int d = block.dim();
    double[] norms = new double[rows.length];
    for (int t = 0; t < rows.length; t++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        float v = (float) (block.value(rows[t], j) - mean[j]);
        out[t * stride + j] = v;
        s += (double) v * v;
      }
      norms[t] = s;
    }
    return norms;
  }

  private static double[] mean(FeatureBlock block) {
    int d = block.dim();
    double[] mean = new double[d];
    for (int r = 0; r < block.size(); r++) {
      for (int j = 0; j < d; j++) {
        mean[j] += block.value(r, j);
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= Math.max(1, block.size());
    }
    return mean;
  }

  private static double[] project(FeatureBlock block, double[] mean, double[] axis) {
    double[] p = new double[block.size()];
    for (int r = 0; r < block.size(); r++) {
      double s = 0;
      for (int j = 0; j < axis.length; j++) {
        s += (block.value(r, j) - mean[j]) * axis[j];
      }
      p[r] = s;
    }
    return p;
  }

  private static int[] sortedBy(double[] key) {
    return IndexSort.byDouble(key);
  }

}
