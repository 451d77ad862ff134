package io.sampleforge.neighbors;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact k-nearest-neighbour search of every row of a query block among the rows of a reference
 * block (a row is never its own neighbour; duplicates of it are), by tiled GEMMs on DJL NDArrays.
 *
 * <p>The method is the blocked brute force of kNN-IS (Maillo et al., Knowledge-Based Systems 2017)
 * with a screening/re-ranking split: each [query tile × reference tile] block of squared distances
 * is computed on the engine's device as {@code |r|² − 2·q·rᵀ} (float32 GEMM on data centred on the
 * reference block's mean) and reduced at once to its best {@code k+1+slack} candidates with
 * {@code topK}, so no distance block outlives its tile. Candidates are then re-ranked with exact
 * float64 distances and merged into a running top-k per query in (distance, key) order. When the
 * float32 screen cannot prove that no excluded row ties or beats the current k-th distance, the
 * query is re-scanned exactly over that tile, so the result equals an exact float64 search with
 * ties broken by key. Cost: O(nq·nr·d) GEMM flops plus O(nq·nr) top-k work; memory
 * O((nq+nr)·d + tileQ·tileR) floats on the device.
 */
public final class BlockNeighborSearch {
  /** Default rows per query tile. */
  public static final int TILE_QUERY = 512;
  /** Default rows per reference tile; tileQ×tileR float32 stays within a few MB of cache. */
  public static final int TILE_REFERENCE = 2048;
  private static final int SLACK = 4;
  private static final double SCREEN_TOLERANCE = 1e-5;

  private final int k;
  private final Device device;

  /**
   * @param k neighbours per query, at least 1
   * @param device where the GEMMs run (CPU, or the task's GPU)
   */
  public BlockNeighborSearch(int k, Device device) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    this.k = k;
    this.device = device;
  }

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
      try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
        double[] mean = mean(reference);
        List<NDArray> refTiles = new ArrayList<>();
        List<NDArray> refNormTiles = new ArrayList<>();
        double[] refNorm = new double[nr];
        float[] centredRef = centred(reference, mean, refNorm);
        float[] centredQuery = centred(query, mean, new double[nq]);
        for (int rs = 0; rs < nr; rs += TILE_REFERENCE) {
          int re = Math.min(nr, rs + TILE_REFERENCE);
          float[] tile = new float[(re - rs) * d];
          System.arraycopy(centredRef, rs * d, tile, 0, tile.length);
          refTiles.add(manager.create(tile, new Shape(re - rs, d)).transpose());
          float[] norms = new float[re - rs];
          for (int r = rs; r < re; r++) {
            norms[r - rs] = (float) refNorm[r];
          }
          refNormTiles.add(manager.create(norms, new Shape(1, re - rs)));
        }
        double maxRefNorm = 0;
        for (double v : refNorm) {
          maxRefNorm = Math.max(maxRefNorm, v);
        }
        for (int qs = 0; qs < nq; qs += TILE_QUERY) {
          int qe = Math.min(nq, qs + TILE_QUERY);
          float[] qTile = new float[(qe - qs) * d];
          System.arraycopy(centredQuery, qs * d, qTile, 0, qTile.length);
          double[] qNorm = new double[qe - qs];
          for (int i = 0; i < qe - qs; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
              s += (double) qTile[i * d + j] * qTile[i * d + j];
            }
            qNorm[i] = s;
          }
          try (NDArray q = manager.create(qTile, new Shape(qe - qs, d))) {
            for (int t = 0; t < refTiles.size(); t++) {
              int rs = t * TILE_REFERENCE;
              int tileRows = (int) refTiles.get(t).getShape().get(1);
              screenTile(query, reference, q, qs, qe, qNorm, maxRefNorm, refTiles.get(t), refNormTiles.get(t), rs, tileRows, best);
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

  private void screenTile(FeatureBlock query, FeatureBlock reference, NDArray q, int qs, int qe, double[] qNorm,
      double maxRefNorm, NDArray refT, NDArray refNorm, int rs, int tileRows, RunningTopK[] best) {
    int candidates = Math.min(tileRows, k + 1 + SLACK);
    float[] values;
    long[] indices;
    try (NDArray scores = q.matMul(refT)) {
      scores.muli(-2f).addi(refNorm);
      NDList top = scores.topK(candidates, 1, false, true);
      try {
        values = top.get(0).toFloatArray();
        indices = top.get(1).toLongArray();
      } finally {
        top.close();
      }
    }
    for (int i = qs; i < qe; i++) {
      RunningTopK heap = best[i];
      long queryKey = query.key(i);
      int base = (i - qs) * candidates;
      float screenMax = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < candidates; c++) {
        int r = rs + (int) indices[base + c];
        screenMax = Math.max(screenMax, values[base + c]);
        long key = reference.key(r);
        if (key != queryKey) {
          heap.offer(query.squaredDistance(i, reference, r), key);
        }
      }
      if (candidates < tileRows) {
        double tolerance = SCREEN_TOLERANCE * (qNorm[i - qs] + maxRefNorm) + 1e-12;
        double excludedLowerBound = qNorm[i - qs] + screenMax - tolerance;
        if (!heap.isFull() || excludedLowerBound <= heap.worst()) {
          for (int r = rs; r < rs + tileRows; r++) {
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

  private static float[] centred(FeatureBlock block, double[] mean, double[] norms) {
    int d = block.dim();
    float[] out = new float[block.size() * d];
    for (int r = 0; r < block.size(); r++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        float v = (float) (block.value(r, j) - mean[j]);
        out[r * d + j] = v;
        s += (double) v * v;
      }
      norms[r] = s;
    }
    return out;
  }
}
