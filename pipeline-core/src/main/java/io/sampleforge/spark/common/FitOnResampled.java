package io.sampleforge.spark.common;

import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * imbalanced-learn's pipeline convention in Spark ML: resample only while fitting. An Estimator
 * holding a resampler (a row-changing Transformer such as {@code Smote} or a GME selector) and an
 * estimator (one Estimator, or a whole {@code Pipeline} of the stages that follow): {@link #fit}
 * fits the estimator on {@code resampler.transform(data)} and returns the estimator's own model,
 * so a fitted {@code PipelineModel} holds no resampler and its {@code transform} scores the rows
 * it is given, one output row per input row. The resampled rows are cached (memory and disk)
 * while the estimator fits (iterative estimators read them many times) and released before
 * {@code fit} returns. Persistence: the resampler and the estimator are saved in subfolders
 * {@code resampler/} and {@code estimator/} with their own writers, so both must be {@code
 * MLWritable}; {@link #read}/{@link #load} read them back. Cost: one resampling per fit, plus the
 * estimator's.
 *
 * <p>The two stages are plain fields, not Params (a stage is no JSON value), as in Spark's own
 * meta-estimators' persistence; {@link #copy} copies them with the extra params.
 *
 * @param <M> the estimator's model type
 */
public final class FitOnResampled<M extends Model<M>> extends Estimator<M> implements MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private Transformer resampler;
  private Estimator<M> estimator;

  public FitOnResampled() {
    this(Identifiable$.MODULE$.randomUID("fitOnResampled"));
  }

  public FitOnResampled(String uid) {
    this.uid = uid;
  }

  public FitOnResampled<M> setResampler(Transformer v) {
    resampler = v;
    return this;
  }

  public FitOnResampled<M> setEstimator(Estimator<M> v) {
    estimator = v;
    return this;
  }

  public Transformer getResampler() {
    return resampler;
  }

  public Estimator<M> getEstimator() {
    return estimator;
  }

  private void requireStages() {
    if (resampler == null || estimator == null) {
      throw io.sampleforge.errors.ConfigException.of(resampler == null ? "resampler" : "estimator",
          "must be set before fit, transformSchema or save", "unset");
    }
  }

  @Override
  public M fit(Dataset<?> dataset) {
    requireStages();
    Dataset<Row> resampled = resampler.transform(dataset).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return estimator.fit(resampled);
    } finally {
      resampled.unpersist();
    }
  }

  /** The resampler's input is checked; the fitted model sees the rows as given, so its schema is the estimator's. */
  @Override
  public StructType transformSchema(StructType schema) {
    requireStages();
    resampler.transformSchema(schema);
    return estimator.transformSchema(schema);
  }

  @Override
  public FitOnResampled<M> copy(ParamMap extra) {
    FitOnResampled<M> c = new FitOnResampled<>(uid);
    if (resampler != null) {
      c.setResampler(resampler.copy(extra));
    }
    if (estimator != null) {
      c.setEstimator(estimator.copy(extra));
    }
    return copyValues(c, extra);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public MLWriter write() {
    requireStages();
    return new Writer(this);
  }

  @Override
  public void save(String path) throws java.io.IOException {
    write().save(path);
  }

  public static MLReader<FitOnResampled<?>> read() {
    return new Reader();
  }

  public static FitOnResampled<?> load(String path) {
    return read().load(path);
  }

  private static final class Writer extends MLWriter {
    private final FitOnResampled<?> stage;

    Writer(FitOnResampled<?> stage) {
      this.stage = stage;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter.saveMetadata(stage, path, sparkSession());
      for (PipelineStage s : new PipelineStage[] {stage.resampler, stage.estimator}) {
        if (!(s instanceof MLWritable)) {
          throw io.sampleforge.errors.ConfigException.of(s == stage.resampler ? "resampler" : "estimator",
              "must be MLWritable to be saved", s.getClass().getName());
        }
      }
      try {
        ((MLWritable) stage.resampler).write().session(sparkSession()).save(new Path(path, "resampler").toString());
        ((MLWritable) stage.estimator).write().session(sparkSession()).save(new Path(path, "estimator").toString());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private static final class Reader extends MLReader<FitOnResampled<?>> {
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public FitOnResampled<?> load(String path) {
      DefaultParamsReader.Metadata m = DefaultParamsReader.loadMetadata(path, sparkSession(),
          FitOnResampled.class.getName());
      Transformer resampler = DefaultParamsReader.loadParamsInstance(new Path(path, "resampler").toString(), sparkSession());
      Estimator estimator = DefaultParamsReader.loadParamsInstance(new Path(path, "estimator").toString(), sparkSession());
      return new FitOnResampled(m.uid()).setResampler(resampler).setEstimator(estimator);
    }
  }
}
