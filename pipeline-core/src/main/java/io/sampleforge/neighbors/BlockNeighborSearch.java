package io.sampleforge.neighbors;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Exact k-nearest-neighbour search of every row of a query block among the rows of a reference
 * block (a row is never its own neighbour; duplicates of it are), by tiled GEMMs on DJL NDArrays.
 *
 * <p>The method is the blocked brute force of kNN-IS (Maillo et al., Knowledge-Based Systems 2017)
 * with two additions. Screening/re-ranking: each [query tile × reference tile] block of squared
 * distances is computed on the engine's device as {@code |r|² − 2·q·rᵀ} (float32 GEMM on data
 * centred on the reference block's mean) and reduced at once to its best {@code k+1+slack}
 * candidates with {@code topK}, so no distance block outlives its tile; candidates are re-ranked
 * with exact float64 distances into a running top-k per query in (distance, key) order, and when
 * the float32 screen cannot prove that no excluded row ties or beats the current k-th distance the
 * query is re-scanned exactly over that tile. Pruning: rows of both blocks are ordered along the
 * reference block's principal axis and tiles are visited nearest-first; since projections onto a
 * unit vector shrink distances, a reference tile whose projected gap to the query tile exceeds
 * every current k-th distance of the tile is skipped with all farther ones. The result equals an
 * exact float64 search with ties broken by key. Cost: at most O(nq·nr·d) GEMM flops plus
 * O(nq·nr) top-k work, less the pruned tiles; memory O((nq+nr)·d + tileQ·tileR) floats.
 */
public final class BlockNeighborSearch {
  /** Default rows per query tile. */
  public static final int TILE_QUERY = 256;
  /** Default rows per reference tile. */
  public static final int TILE_REFERENCE = 2048;
  private static final int SLACK = 4;
  private static final double SCREEN_TOLERANCE = 1e-5;

  private final int k;
  private final Device device;
  private final int tileQuery;
  private final int tileReference;

  /**
   * @param k neighbours per query, at least 1
   * @param device where the GEMMs run (CPU, or the task's GPU)
   */
  public BlockNeighborSearch(int k, Device device) {
    this(k, device, TILE_QUERY, TILE_REFERENCE);
  }

  /** As above with explicit tile sizes (rows of query and reference per distance block). */
  public BlockNeighborSearch(int k, Device device, int tileQuery, int tileReference) {
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
  }

  /** One reference tile: rows (sorted along the axis) and their projected interval. */
  private record RefTile(int[] rows, double low, double high, NDArray transposed, NDArray norms, double maxNorm) {}

  /** One list per query row (in block order), each with min(k, candidates) entries. */
  public List<NeighborList> search(FeatureBlock query, FeatureBlock reference) {
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
      double[] mean = mean(reference);
      double[] axis = PrincipalAxis.of(reference, mean);
      double[] refProj = project(reference, mean, axis);
      double[] queryProj = project(query, mean, axis);
      int[] refOrder = sortedBy(refProj);
      int[] queryOrder = sortedBy(queryProj);
      try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
        List<RefTile> tiles = new ArrayList<>();
        for (int rs = 0; rs < nr; rs += tileReference) {
          int[] rows = Arrays.copyOfRange(refOrder, rs, Math.min(nr, rs + tileReference));
          float[] values = new float[rows.length * d];
          float[] norms = new float[rows.length];
          double maxNorm = 0;
          for (int t = 0; t < rows.length; t++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
              float v = (float) (reference.value(rows[t], j) - mean[j]);
              values[t * d + j] = v;
              s += (double) v * v;
            }
            norms[t] = (float) s;
            maxNorm = Math.max(maxNorm, s);
          }
          tiles.add(new RefTile(rows, refProj[rows[0]], refProj[rows[rows.length - 1]],
              manager.create(values, new Shape(rows.length, d)).transpose(),
              manager.create(norms, new Shape(1, rows.length)), maxNorm));
        }
        for (int qs = 0; qs < nq; qs += tileQuery) {
          int[] qRows = Arrays.copyOfRange(queryOrder, qs, Math.min(nq, qs + tileQuery));
          double low = queryProj[qRows[0]];
          double high = queryProj[qRows[qRows.length - 1]];
          float[] qTile = new float[qRows.length * d];
          double[] qNorm = new double[qRows.length];
          for (int t = 0; t < qRows.length; t++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
              float v = (float) (query.value(qRows[t], j) - mean[j]);
              qTile[t * d + j] = v;
              s += (double) v * v;
            }
            qNorm[t] = s;
          }
          RefTile[] visit = tiles.toArray(new RefTile[0]);
          double[] gaps = new double[visit.length];
          Integer[] order = new Integer[visit.length];
          for (int t = 0; t < visit.length; t++) {
            gaps[t] = Math.max(0, Math.max(visit[t].low() - high, low - visit[t].high()));
            order[t] = t;
          }
          Arrays.sort(order, Comparator.<Integer>comparingDouble(t -> gaps[t]).thenComparingInt(t -> t));
          try (NDArray q = manager.create(qTile, new Shape(qRows.length, d))) {
            for (int o : order) {
              double gap = gaps[o];
              if (gap > 0 && gap * gap > worstOf(best, qRows) * (1 + 1e-9) + 1e-12) {
                break;
              }
              screenTile(query, reference, q, qRows, qNorm, visit[o], best);
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

  private static double worstOf(RunningTopK[] best, int[] rows) {
    double w = 0;
    for (int r : rows) {
      w = Math.max(w, best[r].worst());
    }
    return w;
  }

  private void screenTile(FeatureBlock query, FeatureBlock reference, NDArray q, int[] qRows, double[] qNorm,
      RefTile tile, RunningTopK[] best) {
    int tileRows = tile.rows().length;
    int candidates = Math.min(tileRows, k + 1 + SLACK);
    float[] values;
    long[] indices;
    try (NDArray scores = q.matMul(tile.transposed())) {
      scores.muli(-2f).addi(tile.norms());
      NDList top = scores.topK(candidates, 1, false, true);
      try {
        values = top.get(0).toFloatArray();
        indices = top.get(1).toLongArray();
      } finally {
        top.close();
      }
    }
    for (int t = 0; t < qRows.length; t++) {
      int i = qRows[t];
      RunningTopK heap = best[i];
      long queryKey = query.key(i);
      int base = t * candidates;
      float screenMax = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < candidates; c++) {
        int r = tile.rows()[(int) indices[base + c]];
        screenMax = Math.max(screenMax, values[base + c]);
        long key = reference.key(r);
        if (key != queryKey) {
          heap.offer(query.squaredDistance(i, reference, r), key);
        }
      }
      if (candidates < tileRows) {
        double tolerance = SCREEN_TOLERANCE * (qNorm[t] + tile.maxNorm()) + 1e-12;
        double excludedLowerBound = qNorm[t] + screenMax - tolerance;
        if (!heap.isFull() || excludedLowerBound <= heap.worst()) {
          for (int r : tile.rows()) {
            long key = reference.key(r);
            if (key != queryKey) {
              heap.offer(query.squaredDistance(i, reference, r), key);
            }
          }
        }
      }
    }
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
    Integer[] idx = new Integer[key.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, Comparator.<Integer>comparingDouble(i -> key[i]).thenComparingInt(i -> i));
    int[] out = new int[idx.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = idx[i];
    }
    return out;
  }
}
