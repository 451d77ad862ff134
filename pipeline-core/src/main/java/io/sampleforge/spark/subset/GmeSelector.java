package io.sampleforge.spark.subset;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.random.Seeds;
import io.sampleforge.spark.common.ParamRule;
import io.sampleforge.subset.EntropySelector;
import io.sampleforge.subset.GmeScoring;
import io.sampleforge.subset.GmeSettings;
import io.sampleforge.subset.MissingValues;
import io.sampleforge.subset.SubsetSize;
import io.sampleforge.subset.WhenShort;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Greedy maximum-entropy (GME) subset selection as a Spark ML stage (Delmas et al. 2023; the
 * semantics of idiap/gme-sampler, see {@link io.sampleforge.subset.GreedyMaxEntropy}); the plan
 * is {@link GmeSelection}'s. The input holds one row per relation (item id, attribute values;
 * long, wide or mixed). {@code emit=rows} (default) returns the input rows of the selected items
 * with their pick order in {@code gme_rank} (1 = first pick), ordered by stratum and rank;
 * {@code emit=ranking} returns one row per pick: the stratum column when stratified, {@code rank},
 * the item id, {@code entropy_<attribute>} after the pick, {@code objective},
 * {@code entropy_decreased}. The picks are a function of (input rows, params, seed) only.
 *
 * <p>{@link #transform} runs the validation (one count of null ids) and the size plan (one count
 * per stratum) at once, since the sizes ({@code n} as a fraction, {@code whenShort}) depend on
 * the counts; with in-task scoring the selection itself runs when an action reads the result, and
 * runs again at every action (the same picks), with nothing cached. With {@code
 * scoring=distributed} the selection (a driver loop with one Spark round per pick) runs inside
 * {@code transform}, its cache released before it returns. Cost: one shuffle of the relations
 * plus the kernel's O(picks·items·attributes) per stratum (see {@link GmeSelection}).
 *
 * <p>Params map to {@link GmeSettings} in one place ({@link #settings}); the enum- and size-valued
 * Params are checked by the kernel's own parsers at {@code set} time, the counts by Spark's
 * {@code ParamValidators}; a bad value fails with a message naming the param, the rule and the
 * value. {@code itemCol}, {@code attributeCols} and {@code n} have no default and must be set.
 * Persistence: {@code DefaultParamsWritable} with {@link #read}/{@link #load}.
 */
public final class GmeSelector extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  /** Values of {@link #emit()}. */
  public static final String EMIT_ROWS = "rows";
  public static final String EMIT_RANKING = "ranking";

  /** The param of each settings key that {@link GmeSettings}' rules name. */
  private static final Map<String, String> PARAM_OF_KEY = Map.of("item", "itemCol", "attributes", "attributeCols",
      "stratify_by", "stratifyByCol", "strata_n", "strataN", "when_short", "whenShort");

  private final String uid;
  private final Param<String> itemCol;
  private final StringArrayParam attributeCols;
  private final Param<String> n;
  private final StringArrayParam strataN;
  private final Param<String> stratifyByCol;
  private final Param<String> selector;
  private final BooleanParam binarised;
  private final Param<String> missing;
  private final IntParam candidates;
  private final Param<String> whenShort;
  private final LongParam seed;
  private final IntParam threads;
  private final Param<String> scoring;
  private final IntParam shards;
  private final Param<String> emit;

  public GmeSelector() {
    this(Identifiable$.MODULE$.randomUID("gmeSelector"));
  }

  public GmeSelector(String uid) {
    this.uid = uid;
    itemCol = new Param<>(this, "itemCol", "item id column (one item has one or more relation rows)",
        ParamRule.<String>of("itemCol", "must name a column", v -> v != null && !v.isBlank()));
    attributeCols = new StringArrayParam(this, "attributeCols", "attribute columns V_1..V_N (scalars or arrays)",
        ParamRule.<String[]>of("attributeCols", "must list at least one column, each once",
            v -> v != null && v.length > 0 && Arrays.stream(v).distinct().count() == v.length));
    n = new Param<>(this, "n", "picks per stratum: a count, a fraction in (0, 1] of the items, or 'all'",
        ParamRule.<String>parsedBy("n", v -> SubsetSize.parse(v) != null));
    strataN = new StringArrayParam(this, "strataN", "per-stratum sizes as 'stratum:n' entries (needs stratifyByCol)",
        ParamRule.<String[]>parsedBy("strataN", v -> strataSizes(v) != null));
    stratifyByCol = new Param<>(this, "stratifyByCol", "select within each value of this column; empty: no strata");
    selector = new Param<>(this, "selector", "dutopia (distance to utopia, minimised) | sum (sum of entropies)",
        ParamRule.<String>parsedBy("selector", v -> EntropySelector.parse(v) != null));
    binarised = new BooleanParam(this, "binarised", "count each value once per item (presence) instead of per relation");
    missing = new Param<>(this, "missing", "null/empty attribute values: value (a value of their own) | ignore",
        ParamRule.<String>parsedBy("missing", v -> MissingValues.parse(v) != null));
    candidates = new IntParam(this, "candidates", "candidates scored per pick (0: exact, every item)",
        ParamRule.spark("candidates", "must be >= 0 (0 = exact)", ParamValidators.gtEq(0)));
    whenShort = new Param<>(this, "whenShort", "a stratum with fewer items than n: cap (select all) | fail",
        ParamRule.<String>parsedBy("whenShort", v -> WhenShort.parse(v) != null));
    seed = new LongParam(this, "seed", "seed of the candidate draws");
    threads = new IntParam(this, "threads", "scoring threads per task (0: spark.task.cpus)",
        ParamRule.spark("threads", "must be >= 0 (0 = spark.task.cpus)", ParamValidators.gtEq(0)));
    scoring = new Param<>(this, "scoring", "in-task (a stratum per task) | distributed (items sharded, a Spark round per pick)",
        ParamRule.<String>parsedBy("scoring", v -> GmeScoring.parse(v) != null));
    shards = new IntParam(this, "shards", "distributed scoring: shards per stratum (0: default parallelism)",
        ParamRule.spark("shards", "must be >= 0 (0 = default parallelism)", ParamValidators.gtEq(0)));
    emit = new Param<>(this, "emit", "what transform returns: rows (selected input rows + gme_rank) | ranking",
        ParamRule.spark("emit", "must be rows or ranking", ParamValidators.inArray(List.of(EMIT_ROWS, EMIT_RANKING))));
    setDefault(strataN, new String[0]);
    setDefault(stratifyByCol, "");
    setDefault(selector, EntropySelector.DUTOPIA.id());
    setDefault(binarised, false);
    setDefault(missing, MissingValues.VALUE.id());
    setDefault(candidates, 0);
    setDefault(whenShort, WhenShort.CAP.id());
    setDefault(seed, Seeds.DEFAULT);
    setDefault(threads, 0);
    setDefault(scoring, GmeScoring.IN_TASK.id());
    setDefault(shards, 0);
    setDefault(emit, EMIT_ROWS);
  }

  public Param<String> itemCol() { return itemCol; }
  public StringArrayParam attributeCols() { return attributeCols; }
  public Param<String> n() { return n; }
  public StringArrayParam strataN() { return strataN; }
  public Param<String> stratifyByCol() { return stratifyByCol; }
  public Param<String> selector() { return selector; }
  public BooleanParam binarised() { return binarised; }
  public Param<String> missing() { return missing; }
  public IntParam candidates() { return candidates; }
  public Param<String> whenShort() { return whenShort; }
  public LongParam seed() { return seed; }
  public IntParam threads() { return threads; }
  public Param<String> scoring() { return scoring; }
  public IntParam shards() { return shards; }
  public Param<String> emit() { return emit; }

  public GmeSelector setItemCol(String v) { set(itemCol, v); return this; }
  public GmeSelector setAttributeCols(String... v) { set(attributeCols, v); return this; }
  public GmeSelector setN(String v) { set(n, v); return this; }
  public GmeSelector setN(long v) { set(n, Long.toString(v)); return this; }
  public GmeSelector setStrataN(String... v) { set(strataN, v); return this; }
  public GmeSelector setStratifyByCol(String v) { set(stratifyByCol, v); return this; }
  public GmeSelector setSelector(String v) { set(selector, v); return this; }
  public GmeSelector setBinarised(boolean v) { set(binarised, v); return this; }
  public GmeSelector setMissing(String v) { set(missing, v); return this; }
  public GmeSelector setCandidates(int v) { set(candidates, v); return this; }
  public GmeSelector setWhenShort(String v) { set(whenShort, v); return this; }
  public GmeSelector setSeed(long v) { set(seed, v); return this; }
  public GmeSelector setThreads(int v) { set(threads, v); return this; }
  public GmeSelector setScoring(String v) { set(scoring, v); return this; }
  public GmeSelector setShards(int v) { set(shards, v); return this; }
  public GmeSelector setEmit(String v) { set(emit, v); return this; }

  /** Spark ML persistence: {@code GmeSelector.load(path)} reads what {@code save(path)} (or a saved Pipeline) wrote. */
  public static MLReader<GmeSelector> read() {
    return new DefaultParamsReader<>();
  }

  public static GmeSelector load(String path) {
    return read().load(path);
  }

  /** A stage whose params equal the given settings (emitting rows). */
  public static GmeSelector of(GmeSettings s) {
    GmeSelector g = new GmeSelector().setItemCol(s.itemColumn()).setAttributeCols(s.attributes().toArray(new String[0]))
        .setN(s.size().text()).setSelector(s.selector().id()).setBinarised(s.binarised()).setMissing(s.missing().id())
        .setCandidates(s.candidates()).setWhenShort(s.whenShort().id()).setSeed(s.seed()).setThreads(s.threads())
        .setScoring(s.scoring().id()).setShards(s.shards())
        .setStrataN(s.strataSizes().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue().text())
            .sorted().toArray(String[]::new));
    if (s.stratifyBy() != null) {
      g.setStratifyByCol(s.stratifyBy());
    }
    return g;
  }

  /** The validated settings these params describe; an unset required param is named. */
  public GmeSettings settings() {
    for (Param<?> p : List.of(itemCol, attributeCols, n)) {
      if (!isDefined(p)) {
        throw ConfigException.of(p.name(), "must be set (it has no default)", "unset");
      }
    }
    String stratify = getOrDefault(stratifyByCol);
    try {
      return new GmeSettings(getOrDefault(itemCol), Arrays.asList(getOrDefault(attributeCols)),
          EntropySelector.parse(getOrDefault(selector)), (Boolean) getOrDefault(binarised), SubsetSize.parse(getOrDefault(n)),
          strataSizes(getOrDefault(strataN)), MissingValues.parse(getOrDefault(missing)), (Integer) getOrDefault(candidates),
          stratify.isEmpty() ? null : stratify, WhenShort.parse(getOrDefault(whenShort)), (Long) getOrDefault(seed),
          (Integer) getOrDefault(threads), GmeScoring.parse(getOrDefault(scoring)), (Integer) getOrDefault(shards));
    } catch (ConfigException e) {
      // a rule across params (the kernel's, in job keys): name the param the user set
      String key = e.getMessage().replaceFirst("^parameter '([^']*)'.*", "$1");
      throw ParamRule.restate(PARAM_OF_KEY.getOrDefault(key, key), e);
    }
  }

  /** 'stratum:n' entries (the size after the last ':') as the kernel's per-stratum sizes. */
  private static Map<String, SubsetSize> strataSizes(String[] entries) {
    Map<String, SubsetSize> out = new LinkedHashMap<>();
    for (String e : entries) {
      int at = e == null ? -1 : e.lastIndexOf(':');
      if (at < 0) {
        throw ConfigException.of("strataN", "must hold 'stratum:n' entries", ParamRule.show(e));
      }
      if (out.put(e.substring(0, at), SubsetSize.parse(e.substring(at + 1).trim())) != null) {
        throw ConfigException.of("strataN", "must name each stratum once", ParamRule.show(e));
      }
    }
    return out;
  }

  private boolean emitsRows() {
    return getOrDefault(emit).equals(EMIT_ROWS);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    GmeSettings s = settings();
    return GmeSelection.select(dataset.toDF(), s, emitsRows());
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return GmeSelection.outputSchema(schema, settings(), emitsRows());
  }

  @Override
  public GmeSelector copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public String uid() {
    return uid;
  }
}
