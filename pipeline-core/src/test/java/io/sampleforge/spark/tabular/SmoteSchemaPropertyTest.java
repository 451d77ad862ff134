package io.sampleforge.spark.tabular;

import io.sampleforge.spark.SchemaRejections;
import io.sampleforge.spark.Schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sampleforge.errors.ConfigException;
import io.sampleforge.tabular.InvalidHandling;
import io.sampleforge.tabular.Passthrough;
import io.sampleforge.tabular.SamplingStrategy;
import io.sampleforge.tabular.SmoteSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.spark.sql.types.StructType;

/**
 * Property: for random settings and random input schemas, {@link SmoteSchema#output} gives the
 * input columns plus three lineage columns, or an InputDataException naming a configured column.
 */
class SmoteSchemaPropertyTest {
  private static final List<String> POOL = List.of("label", "y", "f0", "f1", "f2", "vec", "id", "cat", "grade",
      "is_synthetic", "parent_id", "neighbor_id", "src");

  /** Settings and an input schema near the one they need. */
  record Case(SmoteSettings settings, StructType input) {}

  @Property(tries = 500, seed = "1611")
  void outputOrRejectionNamingAConfiguredColumn(@ForAll("cases") Case c) {
    SmoteSettings s = c.settings();
    StructType in = c.input();
    SchemaRejections.passesOrNamesColumn(() -> {
      StructType out = SmoteSchema.output(in, s);
      assertEquals(in.size() + 3, out.size());
      assertEquals(List.of(s.isSyntheticCol(), s.parentIdCol(), s.neighborIdCol()),
          List.of(out.fieldNames()).subList(in.size(), in.size() + 3));
    }, mentioned(s));
  }

  private static List<String> mentioned(SmoteSettings s) {
    List<String> out = new ArrayList<>(List.of(s.labelCol(), s.isSyntheticCol(), s.parentIdCol(), s.neighborIdCol()));
    out.addAll(s.featureCols());
    out.addAll(s.categoricalCols());
    if (s.featuresCol() != null) {
      out.add(s.featuresCol());
    }
    if (s.idCol() != null) {
      out.add(s.idCol());
    }
    return out;
  }

  @Provide
  Arbitrary<Case> cases() {
    return settings().flatMap(s -> Schemas.around(wanted(s), POOL).map(in -> new Case(s, in)));
  }

  /** The columns a valid input for {@code s} has, with typical types. */
  private static Map<String, DataType> wanted(SmoteSettings s) {
    Map<String, DataType> out = new LinkedHashMap<>();
    out.put(s.labelCol(), DataTypes.StringType);
    s.featureCols().forEach(f -> out.put(f, DataTypes.DoubleType));
    if (s.featuresCol() != null) {
      out.put(s.featuresCol(), new VectorUDT());
    }
    s.categoricalCols().forEach(f -> out.put(f, DataTypes.IntegerType));
    if (s.idCol() != null) {
      out.putIfAbsent(s.idCol(), DataTypes.LongType);
    }
    return out;
  }

  private static Arbitrary<SmoteSettings> settings() {
    Arbitrary<List<String>> features = Arbitraries.of("f0", "f1", "f2", "y").list().ofMinSize(1).ofMaxSize(3).uniqueElements();
    Arbitrary<List<String>> categorical = Arbitraries.of("cat", "grade", "f2").list().ofMaxSize(2).uniqueElements();
    Arbitrary<List<String>> lineage = Arbitraries.of(List.of("is_synthetic", "parent_id", "neighbor_id"),
        List.of("is_synthetic", "src", "f1"), List.of("synthetic", "parent", "neighbor"));
    return Combinators.combine(Arbitraries.of("label", "y", "f0"), Arbitraries.of(true, false), features, categorical,
        Arbitraries.of("", "id", "label", "cat"), lineage)
        .as(SmoteSchemaPropertyTest::settingsOrEmpty)
        .filter(Optional::isPresent).map(Optional::get);
  }

  private static Optional<SmoteSettings> settingsOrEmpty(String label, boolean vector, List<String> features,
      List<String> categorical, String id, List<String> lineage) {
    try {
      return Optional.of(new SmoteSettings(label, vector ? "vec" : null, vector ? List.of() : features, 5,
          SamplingStrategy.parse("auto"), 42, id, lineage.get(0), lineage.get(1), lineage.get(2),
          Passthrough.parse("parent"), InvalidHandling.parse("error"), 0, null, null, null,
          vector ? List.of() : categorical));
    } catch (ConfigException e) {
      return Optional.empty();
    }
  }
}
