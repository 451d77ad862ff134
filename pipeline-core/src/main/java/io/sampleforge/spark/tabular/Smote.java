package io.sampleforge.spark.tabular;

import io.sampleforge.spark.neighbors.DistributedNeighbors;

import io.sampleforge.neighbors.NeighborSearch;
import io.sampleforge.tabular.Cleaning;
import io.sampleforge.tabular.InvalidHandling;
import io.sampleforge.tabular.OverSamplingMethod;
import io.sampleforge.tabular.Passthrough;
import io.sampleforge.tabular.SamplingStrategy;
import io.sampleforge.tabular.SmoteSettings;
import java.util.Arrays;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * SMOTE minority over-sampling as a Spark ML stage (Chawla et al., JAIR 2002; count semantics of
 * imbalanced-learn's {@code sampling_strategy}): {@link #transform} returns every input row
 * (numeric features as double) plus synthetic rows {@code parent + u·(neighbour − parent)}, u in
 * [0,1), towards one of the parent's k exact nearest same-class rows (the parent itself excluded,
 * duplicates of it included), with lineage columns. Children per parent follow a deterministic
 * quota (floor plus a keyed-random remainder), so per-class output counts equal the targets exactly
 * and no row is unused when n_new ≥ n. Output rows are a function of (input rows, params, seed)
 * only. Cost: dominated by the exact all-pairs neighbour search of each raised class, O(n_c²·d)
 * (see {@link DistributedNeighbors}); call {@link #run} to also get the per-class report.
 *
 * <p>The rows of the classes being raised are persisted (memory and disk) while the plan is made.
 * {@link #transform} releases them before it returns, as a Spark ML transformer must when it is
 * called again and again in one session (a notebook): nothing it persisted stays cached, and each
 * action on the returned DataFrame recomputes it from the input (the same rows: they depend on the
 * input rows, params and seed only), at the cost of one more scan and keying of the input per
 * action. {@link #run} returns a {@link SmoteResult} that keeps them cached until its
 * {@code release()}, for writing the output once without that extra scan.
 *
 * <p>Persistence: the stage is {@code DefaultParamsWritable} and has {@link #read}/{@link #load},
 * so a {@code Pipeline} or {@code PipelineModel} holding it saves and loads like any Spark ML stage.
 * Like every row-changing transformer, it resamples at every {@code transform} of a fitted
 * {@code PipelineModel} (the same rows each time: they depend on the input rows, Params and seed
 * only); imbalanced-learn's convention of resampling only while fitting does not exist in Spark
 * ML's API, whose {@code PipelineModel.transform} applies every stage.
 *
 * <p>Params and {@link SmoteSettings} map onto each other in one place each way ({@link #of},
 * {@link #settings}); the Params' defaults are {@link SmoteSettings.Defaults} and their rules are
 * the settings' own (checked by {@link #transformSchema} and {@link #run}), so a bad value fails
 * with the same message, naming the key, whether it came from a job config or a Param.
 */
public final class Smote extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> labelCol;
  private final Param<String> featuresCol;
  private final StringArrayParam featureCols;
  private final IntParam k;
  private final Param<String> samplingStrategy;
  private final LongParam seed;
  private final Param<String> idCol;
  private final Param<String> isSyntheticCol;
  private final Param<String> parentIdCol;
  private final Param<String> neighborIdCol;
  private final Param<String> passthrough;
  private final Param<String> handleInvalid;
  private final IntParam blockRows;
  private final Param<String> method;
  private final IntParam mNeighbors;
  private final DoubleParam shrinkage;
  private final Param<String> clean;
  private final Param<String> neighborSearch;
  private final StringArrayParam categoricalCols;
  private final IntParam approxLeafRows;
  private final IntParam approxTrees;
  private final DoubleParam approxSpill;
  private final LongParam approxAbove;

  public Smote() {
    this(Identifiable$.MODULE$.randomUID("smote"));
  }

  public Smote(String uid) {
    this.uid = uid;
    labelCol = new Param<>(this, "labelCol", "class label column");
    featuresCol = new Param<>(this, "featuresCol", "one ML Vector features column (alternative to featureCols)");
    featureCols = new StringArrayParam(this, "featureCols", "numeric feature columns (alternative to featuresCol)");
    k = new IntParam(this, "k", "nearest same-class neighbours to interpolate towards (>= 1)");
    samplingStrategy = new Param<>(this, "samplingStrategy",
        "auto | minority | not minority | not majority | all | a float in (0,1] | class:count,...");
    seed = new LongParam(this, "seed", "seed of every keyed random stream");
    idCol = new Param<>(this, "idCol", "unique id column used as record key and lineage id; empty: content hash");
    isSyntheticCol = new Param<>(this, "isSyntheticCol", "lineage column: true for generated rows");
    parentIdCol = new Param<>(this, "parentIdCol", "lineage column: id (or record key) of the parent row");
    neighborIdCol = new Param<>(this, "neighborIdCol", "lineage column: id (or record key) of the neighbour");
    passthrough = new Param<>(this, "passthrough", "other columns of synthetic rows: parent | null");
    handleInvalid = new Param<>(this, "handleInvalid", "rows with null label or null/NaN/infinite features: error | drop");
    blockRows = new IntParam(this, "blockRows", "most rows per block of the distributed neighbour search (0: automatic, else >= 64)");
    method = new Param<>(this, "method", "over-sampling method: smote | borderline-1 | borderline-2 | adasyn | random | smoten");
    mNeighbors = new IntParam(this, "mNeighbors", "borderline: neighbours among all classes deciding danger rows (>= 1)");
    shrinkage = new DoubleParam(this, "shrinkage", "random: smoothed-bootstrap scale (0: plain copies)");
    clean = new Param<>(this, "clean", "cleaning after synthesis: none | enn | tomek");
    categoricalCols = new StringArrayParam(this, "categoricalCols", "categorical columns (SMOTE-NC; method smote)");
    neighborSearch = new Param<>(this, "neighborSearch", "neighbour search: exact | approximate | auto");
    approxLeafRows = new IntParam(this, "approxLeafRows", "approximate search: target rows per tree leaf (>= 256)");
    approxTrees = new IntParam(this, "approxTrees", "approximate search: random-projection trees (1..64)");
    approxSpill = new DoubleParam(this, "approxSpill", "approximate search: spill fraction around each split (0..0.5)");
    approxAbove = new LongParam(this, "approxAbove", "auto search: approximate when the searched set exceeds this many rows");
    setDefault(labelCol, SmoteSettings.Defaults.LABEL);
    setDefault(featuresCol, "");
    setDefault(featureCols, new String[0]);
    setDefault(k, SmoteSettings.Defaults.K);
    setDefault(samplingStrategy, SmoteSettings.Defaults.SAMPLING_STRATEGY);
    setDefault(seed, io.sampleforge.random.Seeds.DEFAULT);
    setDefault(idCol, "");
    setDefault(isSyntheticCol, SmoteSettings.Defaults.IS_SYNTHETIC);
    setDefault(parentIdCol, SmoteSettings.Defaults.PARENT_ID);
    setDefault(neighborIdCol, SmoteSettings.Defaults.NEIGHBOR_ID);
    setDefault(passthrough, SmoteSettings.Defaults.PASSTHROUGH.id());
    setDefault(handleInvalid, SmoteSettings.Defaults.ON_INVALID.id());
    setDefault(blockRows, SmoteSettings.Defaults.BLOCK_ROWS);
    setDefault(method, SmoteSettings.Defaults.METHOD);
    setDefault(mNeighbors, SmoteSettings.Defaults.M_NEIGHBORS);
    setDefault(shrinkage, 0.0);
    setDefault(clean, SmoteSettings.Defaults.CLEAN.id());
    setDefault(categoricalCols, new String[0]);
    NeighborSearch ns = NeighborSearch.defaults();
    setDefault(neighborSearch, ns.mode().id());
    setDefault(approxLeafRows, ns.leafRows());
    setDefault(approxTrees, ns.trees());
    setDefault(approxSpill, ns.spill());
    setDefault(approxAbove, ns.autoThreshold());
  }

  public Param<String> labelCol() { return labelCol; }
  public Param<String> featuresCol() { return featuresCol; }
  public StringArrayParam featureCols() { return featureCols; }
  public IntParam k() { return k; }
  public Param<String> samplingStrategy() { return samplingStrategy; }
  public LongParam seed() { return seed; }
  public Param<String> idCol() { return idCol; }
  public Param<String> isSyntheticCol() { return isSyntheticCol; }
  public Param<String> parentIdCol() { return parentIdCol; }
  public Param<String> neighborIdCol() { return neighborIdCol; }
  public Param<String> passthrough() { return passthrough; }
  public Param<String> handleInvalid() { return handleInvalid; }
  public IntParam blockRows() { return blockRows; }
  public Param<String> method() { return method; }
  public IntParam mNeighbors() { return mNeighbors; }
  public DoubleParam shrinkage() { return shrinkage; }
  public Param<String> clean() { return clean; }
  public Param<String> neighborSearch() { return neighborSearch; }
  public StringArrayParam categoricalCols() { return categoricalCols; }
  public IntParam approxLeafRows() { return approxLeafRows; }
  public IntParam approxTrees() { return approxTrees; }
  public DoubleParam approxSpill() { return approxSpill; }
  public LongParam approxAbove() { return approxAbove; }

  public Smote setLabelCol(String v) { set(labelCol, v); return this; }
  public Smote setFeaturesCol(String v) { set(featuresCol, v); return this; }
  public Smote setFeatureCols(String... v) { set(featureCols, v); return this; }
  public Smote setK(int v) { set(k, v); return this; }
  public Smote setSamplingStrategy(String v) { SamplingStrategy.parse(v); set(samplingStrategy, v); return this; }
  public Smote setSeed(long v) { set(seed, v); return this; }
  public Smote setIdCol(String v) { set(idCol, v); return this; }
  public Smote setIsSyntheticCol(String v) { set(isSyntheticCol, v); return this; }
  public Smote setParentIdCol(String v) { set(parentIdCol, v); return this; }
  public Smote setNeighborIdCol(String v) { set(neighborIdCol, v); return this; }
  public Smote setPassthrough(String v) { set(passthrough, v); return this; }
  public Smote setHandleInvalid(String v) { set(handleInvalid, v); return this; }
  public Smote setBlockRows(int v) { set(blockRows, v); return this; }
  public Smote setMethod(String v) { set(method, v); return this; }
  public Smote setMNeighbors(int v) { set(mNeighbors, v); return this; }
  public Smote setShrinkage(double v) { set(shrinkage, v); return this; }
  public Smote setClean(String v) { set(clean, v); return this; }
  public Smote setNeighborSearch(String v) { set(neighborSearch, v); return this; }
  public Smote setCategoricalCols(String... v) { set(categoricalCols, v); return this; }
  public Smote setApproxLeafRows(int v) { set(approxLeafRows, v); return this; }
  public Smote setApproxTrees(int v) { set(approxTrees, v); return this; }
  public Smote setApproxSpill(double v) { set(approxSpill, v); return this; }
  public Smote setApproxAbove(long v) { set(approxAbove, v); return this; }

  /** Spark ML persistence: {@code Smote.load(path)} reads what {@code smote.save(path)} (or a saved Pipeline) wrote. */
  public static MLReader<Smote> read() {
    return new DefaultParamsReader<>();
  }

  public static Smote load(String path) {
    return read().load(path);
  }

  /** A stage whose params equal the given settings. */
  public static Smote of(SmoteSettings s) {
    Smote smote = new Smote().setLabelCol(s.labelCol()).setK(s.k()).setSamplingStrategy(s.strategy().toString())
        .setSeed(s.seed()).setIsSyntheticCol(s.isSyntheticCol()).setParentIdCol(s.parentIdCol())
        .setNeighborIdCol(s.neighborIdCol()).setPassthrough(s.passthrough().id())
        .setHandleInvalid(s.handleInvalid().id()).setBlockRows(s.blockRows())
        .setMethod(s.method().id()).setClean(s.clean().id())
        .setNeighborSearch(s.search().mode().id()).setApproxLeafRows(s.search().leafRows())
        .setApproxTrees(s.search().trees()).setApproxSpill(s.search().spill()).setApproxAbove(s.search().autoThreshold())
        .setCategoricalCols(s.categoricalCols().toArray(new String[0]));
    if (s.method() instanceof OverSamplingMethod.Borderline b) {
      smote.setMNeighbors(b.mNeighbors());
    } else if (s.method() instanceof OverSamplingMethod.RandomOver r) {
      smote.setShrinkage(r.shrinkage());
    }
    if (s.vectorFeatures()) {
      smote.setFeaturesCol(s.featuresCol());
    } else {
      smote.setFeatureCols(s.featureCols().toArray(new String[0]));
    }
    if (s.idCol() != null) {
      smote.setIdCol(s.idCol());
    }
    return smote;
  }

  /** The validated settings these params describe. */
  public SmoteSettings settings() {
    String vector = getOrDefault(featuresCol);
    return new SmoteSettings(getOrDefault(labelCol), vector.isEmpty() ? null : vector,
        Arrays.asList(getOrDefault(featureCols)), (Integer) getOrDefault(k),
        SamplingStrategy.parse(getOrDefault(samplingStrategy)), (Long) getOrDefault(seed),
        getOrDefault(idCol), getOrDefault(isSyntheticCol), getOrDefault(parentIdCol),
        getOrDefault(neighborIdCol), Passthrough.parse(getOrDefault(passthrough)),
        InvalidHandling.parse(getOrDefault(handleInvalid)), (Integer) getOrDefault(blockRows),
        OverSamplingMethod.parse(getOrDefault(method), (Integer) getOrDefault(mNeighbors), (Double) getOrDefault(shrinkage)),
        Cleaning.parse(getOrDefault(clean)),
        new NeighborSearch(NeighborSearch.Mode.parse(getOrDefault(neighborSearch)), (Integer) getOrDefault(approxLeafRows),
            (Integer) getOrDefault(approxTrees), (Double) getOrDefault(approxSpill), (Long) getOrDefault(approxAbove)),
        Arrays.asList(getOrDefault(categoricalCols)));
  }

  /** Runs SMOTE with these Params and returns the output with the per-class report. */
  public SmoteResult run(Dataset<?> dataset) {
    return run(dataset, settings());
  }

  /**
   * Runs SMOTE with {@code settings} (already validated: the job path, which never goes through
   * string Params) and returns the output with the per-class report.
   */
  public static SmoteResult run(Dataset<?> dataset, SmoteSettings settings) {
    return SmoteExecution.run(dataset.toDF(), settings);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    SmoteResult result = run(dataset);
    // nothing persisted outlives the call: the output plan recomputes what it needs from the input
    result.release();
    return result.output();
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return SmoteSchema.output(schema, settings());
  }

  @Override
  public Smote copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public String uid() {
    return uid;
  }
}
