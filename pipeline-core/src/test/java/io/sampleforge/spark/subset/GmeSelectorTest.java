package io.sampleforge.spark.subset;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.spark.LocalSparkTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GmeSelector stage on the LOTUS sample (real Wikidata rows): a saved and loaded Pipeline gives
 * the rows of the fitted one, and both select the GME reference's own top 10 (its committed
 * expected file); emitted rows are the input rows of the selected items with their rank; the
 * schema transformSchema promises is the one transform returns; bad params are named.
 */
class GmeSelectorTest extends LocalSparkTest {
  private static final String LOTUS = "src/test/resources/gme/lotus_sample.tsv";

  @TempDir
  Path dir;

  private Dataset<Row> lotus;

  private Dataset<Row> lotus() {
    if (lotus == null) {
      lotus = spark.read().option("header", "true").option("sep", "\t").csv(LOTUS).repartition(3);
    }
    return lotus;
  }

  private static GmeSelector selector() {
    return new GmeSelector().setItemCol("reference_doi").setAttributeCols("structure_wikidata", "organism_wikidata")
        .setN(10).setSeed(42);
  }

  private static List<String> sorted(Dataset<Row> d) {
    return d.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  /** (doi, entropy of structures, entropy of organisms) of the reference's top 10, in pick order. */
  private static List<String[]> referenceTopTen() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("src/test/resources/gme/lotus_sample_expected_top10_dutopia_counts.tsv"),
        StandardCharsets.UTF_8);
    List<String[]> out = new ArrayList<>();
    lines.subList(1, lines.size()).forEach(l -> out.add(l.split("\t")));
    return out;
  }

  @Test
  void aSavedPipelineSelectsTheReferencesTopTenBeforeAndAfterLoading() throws IOException {
    GmeSelector stage = selector().setEmit(GmeSelector.EMIT_RANKING);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {stage});
    PipelineModel fitted = pipeline.fit(lotus());
    Dataset<Row> ranking = fitted.transform(lotus());
    assertEquals(stage.transformSchema(lotus().schema()), ranking.schema(), "transformSchema is the output schema");
    List<Row> got = new ArrayList<>(ranking.collectAsList());
    List<String> expected = got.stream().map(Row::toString).sorted().toList();
    got.sort(java.util.Comparator.comparingInt(r -> r.getInt(0)));
    List<String[]> want = referenceTopTen();
    assertEquals(10, got.size());
    for (int i = 0; i < 10; i++) {
      assertEquals(i + 1, got.get(i).getInt(0));
      assertEquals(want.get(i)[0], got.get(i).getString(1), "pick " + (i + 1));
      assertEquals(Double.parseDouble(want.get(i)[1]), got.get(i).getDouble(2), 0.0);
      assertEquals(Double.parseDouble(want.get(i)[2]), got.get(i).getDouble(3), 0.0);
    }

    String modelPath = dir.resolve("model").toString();
    fitted.write().overwrite().save(modelPath);
    assertEquals(expected, sorted(PipelineModel.load(modelPath).transform(lotus())), "loaded PipelineModel");
    String pipelinePath = dir.resolve("pipeline").toString();
    pipeline.write().overwrite().save(pipelinePath);
    assertEquals(expected, sorted(Pipeline.load(pipelinePath).fit(lotus()).transform(lotus())), "loaded Pipeline, refitted");

    String stagePath = dir.resolve("stage").toString();
    stage.write().overwrite().save(stagePath);
    GmeSelector loaded = GmeSelector.load(stagePath);
    assertEquals(stage.uid(), loaded.uid());
    assertEquals(stage.settings(), loaded.settings());
    assertEquals(GmeSelector.EMIT_RANKING, loaded.getOrDefault(loaded.emit()));
  }

  /**
   * emit=rows: exactly the input rows of the ten selected documents (counted independently), each
   * with its document's rank; the settings round trip through {@link GmeSelector#of}.
   */
  @Test
  void rowsAreTheSelectedItemsInputRowsWithTheirRank() throws IOException {
    Map<String, Integer> rank = new HashMap<>();
    List<String[]> want = referenceTopTen();
    for (int i = 0; i < want.size(); i++) {
      rank.put(want.get(i)[0], i + 1);
    }
    GmeSelector stage = selector();
    Dataset<Row> rows = stage.transform(lotus());
    assertEquals(stage.transformSchema(lotus().schema()), rows.schema());
    long expected = lotus().filter(col("reference_doi").isin(rank.keySet().toArray())).count();
    List<Row> got = rows.collectAsList();
    assertEquals(expected, got.size());
    for (Row r : got) {
      assertEquals(rank.get(r.<String>getAs("reference_doi")), r.<Integer>getAs(GmeSelection.ROWS_RANK));
    }
    assertEquals(stage.settings(), GmeSelector.of(stage.settings()).settings());
  }

  /** Distributed scoring (a Spark round per pick, run inside transform) emits the in-task ranking. */
  @Test
  void distributedScoringThroughTheStageEqualsInTask() {
    GmeSelector inTask = selector().setN(5).setEmit(GmeSelector.EMIT_RANKING);
    GmeSelector sharded = inTask.copy(new org.apache.spark.ml.param.ParamMap()).setScoring("distributed").setShards(2);
    List<String> a = sorted(inTask.transform(lotus()));
    assertEquals(5, a.size());
    assertEquals(a, sorted(sharded.transform(lotus())));
  }

  @Test
  void badParamsNameTheParamTheRuleAndTheValue() {
    message(() -> new GmeSelector().setCandidates(-1), "parameter 'candidates'", ">= 0", "-1");
    message(() -> new GmeSelector().setSelector("max"), "parameter 'selector'", "dutopia or sum", "'max'");
    message(() -> new GmeSelector().setN("0"), "parameter 'n'", "positive count", "0");
    message(() -> new GmeSelector().setWhenShort("pad"), "parameter 'whenShort'", "cap or fail", "'pad'");
    message(() -> new GmeSelector().setEmit("both"), "parameter 'emit'", "rows or ranking", "'both'");
    message(() -> new GmeSelector().setStrataN("K0"), "parameter 'strataN'", "'stratum:n'", "'K0'");
    message(() -> new GmeSelector().setAttributeCols("a", "a"), "parameter 'attributeCols'", "each once", "[a, a]");
    message(() -> new GmeSelector().setAttributeCols("a").setN(3).transformSchema(lotus().schema()),
        "parameter 'itemCol'", "must be set", "unset");
    message(() -> selector().setStrataN("x:2").transformSchema(lotus().schema()), "parameter 'strataN'", "needs stratify_by",
        "[x]");
    message(() -> selector().setAttributeCols("reference_doi").transformSchema(lotus().schema()), "parameter 'attributeCols'",
        "must not contain the item column", "reference_doi");
    InputDataException missing = assertThrows(InputDataException.class,
        () -> selector().setAttributeCols("structure_wikidata", "nope").transformSchema(lotus().schema()));
    assertTrue(missing.getMessage().contains("column 'nope' must exist"), missing.getMessage());
  }

  private static void message(Executable e, String... parts) {
    ConfigException x = assertThrows(ConfigException.class, e);
    for (String p : parts) {
      assertTrue(x.getMessage().contains(p), "'" + p + "' in: " + x.getMessage());
    }
  }
}
