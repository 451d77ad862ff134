package io.sampleforge.random;

/**
 * Every purpose a keyed random stream is drawn for, named once. A stream is a pure function of
 * (job seed, purpose, record key, draw index) ({@link KeyedStream}); two purposes with the same
 * name would silently share draws, so the names live here and nowhere else, and a test checks that
 * they are distinct. Each constant documents the record key it is drawn under. The names are part
 * of every output's determinism contract: renaming one changes that family's outputs.
 */
public enum RandomPurpose {
  /** SMOTE: which rows of a class receive the remainder children; key: the row's record key. */
  SMOTE_QUOTA("smote/quota"),
  /** SMOTE: the neighbour rank of child j; key: the parent's record key, draw: the child index. */
  SMOTE_NEIGHBOR("smote/neighbor"),
  /** SMOTE: the interpolation gap of child j; key: the parent's record key, draw: the child index. */
  SMOTE_GAP("smote/gap"),
  /** Smoothed-bootstrap noise (ROSE/imblearn shrinkage); key: the parent, draw: child * dims + feature. */
  BOOTSTRAP_NOISE("random/noise"),
  /** SMOTE-NC: ties among the most frequent nominal value; key: the child's key, draw: (candidates, column). */
  SMOTE_NC_TIE("smote-nc/tie"),
  /** Approximate neighbours: which rows train the projection trees; salt of a per-row hash. */
  APPROX_NEIGHBORS_SAMPLE("approx-neighbors/sample"),
  /** Random-projection tree split directions; key: (tree, node). */
  RP_TREE_DIRECTION("rp-tree/direction"),
  /** GME: the candidate subset drawn per pick when {@code candidates > 0}; key: the stratum. */
  GME_CANDIDATES("gme-candidates"),
  /** synth-relations: how many relations item i has; key: the item index. */
  RELATION_COUNT("relation-count"),
  /** synth-relations: the values of item i's relations; key: the item, draw: (relation, column). */
  RELATION_VALUE("relation-value"),
  /** synth-table: a class cluster's centroid offsets and covariance; key: the cluster. */
  SYNTH_CLUSTER("synth/cluster"),
  /** synth-table: the mixing matrix of redundant features; key: 0. */
  SYNTH_REDUNDANT("synth/redundant"),
  /** synth-table: one row's cluster, features and label flip; key: the row index. */
  SYNTH_ROW("synth/row"),
  /** synth-table: the hypercube vertices the clusters sit on; key: 0. */
  SYNTH_VERTICES("synth/vertices"),
  /** The toy grammar's sentences; key: the sentence index. */
  TOY_GRAMMAR("toy-grammar"),
  /** Token sampling in generate; key: (record, sample index, position). */
  TOKEN("token"),
  /**
   * Masked-diffusion sampling (io.sampleforge.diffusion.discrete); key: (record key, sample index)
   * combined by {@link Hash64#combine}; draw: {@code DiffusionDraws.counter(step, slot, kind)}, which
   * packs the step, the position (or pick slot) and the draw kind into disjoint bit fields.
   */
  DIFFUSION("diffusion/token"),
  /**
   * Gaussian diffusion sampling (io.sampleforge.diffusion.continuous): x_T, SDE increments and exact
   * reference draws; key: combine(record key, sample index); draw: {@code GaussianDraws.counter(step,
   * coordinate, kind)}.
   */
  DIFFUSION_GAUSSIAN("diffusion/gaussian"),
  /**
   * Feynman-Kac corrector SMC (io.sampleforge.diffusion.continuous.FkcSampler): the systematic
   * resampling uniform U of a group of particles; key: the group (request) key; draw: the step index
   * (N for the optional final resample).
   */
  FKC_RESAMPLING("diffusion/fkc-resampling"),
  /**
   * Sample-distance statistics (MMD permutation thresholds, sliced-Wasserstein directions); key: the
   * permutation or projection index.
   */
  SAMPLE_DISTANCE("metric/sample-distance"),
  /**
   * Training a Gaussian denoiser (io.sampleforge.diffusion.training): keys are combine(tag, ...) with a
   * tag per use, see {@code TrainingDraws}: the row order of epoch e (key combine(PERMUTATION, e), draw
   * i: the i-th Fisher-Yates swap), the timestep and noise of row r in epoch e (key combine(combine(ROW,
   * e), r); draw 0 the timestep, normal c + 1 coordinate c), and the initial value of each network
   * parameter (key combine(INIT, hash of the parameter's name); draw j: element j).
   */
  DENOISER_TRAINING("diffusion/denoiser-training"),
  /** Measurement noise of a corrupted row (io.sampleforge.diffusion.posterior.Corruption); key: the row's record key, normal j: value j. */
  CORRUPTION_NOISE("measurement/noise"),
  /** Which cells of a row are masked; key: the row's record key, uniform j: cell j. */
  CORRUPTION_MASK("measurement/mask"),
  /** Whether a row is kept clean (clean_fraction); key: the row's record key, uniform 0. */
  CORRUPTION_CLEAN("measurement/clean"),
  /**
   * The posterior job's output draws from a row's final weighted SMC particles
   * (io.sampleforge.spark.diffusion.PosteriorSampling); key: combine(the row's record key, sample index), uniform 0.
   */
  POSTERIOR_DRAW("posterior/output-draw"),
  /**
   * Exact draws from a low-rank posterior (io.sampleforge.diffusion.posterior.LowRankPosterior): key:
   * combine(record key, sample index); normals 0 .. D - 1 the prior draw, D .. D + m - 1 the measurement
   * noise, uniform 2 (D + m) the component.
   */
  POSTERIOR_EXACT_DRAW("posterior/exact-draw"),
  /**
   * The replacement (RePaint) posterior sampler (io.sampleforge.diffusion.posterior.ReplacementSampler):
   * the ancestral-step normals of the missing cells, the re-noising normals of the observed cells and the
   * forward normals of a resampling jump; key: combine(combine(row key, sample index), repetition);
   * draw: {@code ReplacementSampler.counter(step or level, coordinate, kind)}.
   */
  POSTERIOR_REPLACEMENT("posterior/replacement"),
  /**
   * Mixture sampling (io.sampleforge.mixture.KeyedSelection): a row's bottom-k priority within its source;
   * key: combine(combine(hash of the source name, the row's id key), round), bits 0.
   */
  MIX_SELECT("mix/select"),
  /** Coreset Poisson sampling: whether a row is kept (u &lt; p_i); key: the row's record key, uniform 0. */
  CORESET_POISSON("coreset/poisson"),
  /** Coreset sampling with replacement: the m draws spread over the key buckets; key: 0, uniform j: draw j. */
  CORESET_BUCKET_DRAWS("coreset/bucket-draws"),
  /** Coreset sampling with replacement: a bucket's draws over its rows; key: the bucket, uniform j: draw j. */
  CORESET_ROW_DRAWS("coreset/row-draws"),
  /**
   * Coreset CountSketch (io.sampleforge.coreset.CountSketchAccumulator): a row's sketch bucket (the top
   * 53 bits of draw 0) and sign (its lowest bit); key: the row's record key.
   */
  CORESET_SKETCH("coreset/countsketch");

  private final String id;
  private final long hash;

  RandomPurpose(String id) {
    this.id = id;
    this.hash = Hash64.of(id);
  }

  /** The name hashed into every stream of this purpose. */
  public String id() {
    return id;
  }

  /** The job seed combined with this purpose: the key every stream of the purpose starts from. */
  public long salt(long seed) {
    return Hash64.combine(seed, hash);
  }
}
