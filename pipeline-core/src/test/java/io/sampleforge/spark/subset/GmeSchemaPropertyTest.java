package io.sampleforge.spark.subset;

import io.sampleforge.spark.SchemaRejections;
import io.sampleforge.spark.Schemas;

import io.sampleforge.subset.EntropySelector;
import io.sampleforge.subset.GmeScoring;
import io.sampleforge.subset.GmeSettings;
import io.sampleforge.subset.MissingValues;
import io.sampleforge.subset.SubsetSize;
import io.sampleforge.subset.WhenShort;
import io.sampleforge.errors.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.spark.sql.types.StructType;

/**
 * Property: the GME job's schema check ({@link GmeItems#validateSchema}) accepts a random input
 * schema or rejects it with an InputDataException naming the item, an attribute or the stratum column.
 */
class GmeSchemaPropertyTest {
  private static final List<String> POOL = List.of("item", "id", "brand", "category", "tags", "kingdom");

  /** Settings and an input schema near the one they need. */
  record Case(GmeSettings settings, StructType input) {}

  @Property(tries = 500, seed = "1612")
  void acceptedOrRejectionNamingAConfiguredColumn(@ForAll("cases") Case c) {
    GmeSettings s = c.settings();
    StructType in = c.input();
    List<String> mentioned = new ArrayList<>(s.attributes());
    mentioned.add(s.itemColumn());
    if (s.stratifyBy() != null) {
      mentioned.add(s.stratifyBy());
    }
    SchemaRejections.passesOrNamesColumn(() -> GmeItems.validateSchema(in, s), mentioned);
  }

  @Provide
  Arbitrary<Case> cases() {
    return settings().flatMap(s -> {
      Map<String, DataType> wanted = new LinkedHashMap<>();
      wanted.put(s.itemColumn(), DataTypes.StringType);
      for (int j = 0; j < s.attributes().size(); j++) {
        wanted.put(s.attributes().get(j), j % 2 == 0 ? DataTypes.StringType
            : DataTypes.createArrayType(DataTypes.StringType));
      }
      if (s.stratifyBy() != null) {
        wanted.put(s.stratifyBy(), DataTypes.StringType);
      }
      return Schemas.around(wanted, POOL).map(in -> new Case(s, in));
    });
  }

  private static Arbitrary<GmeSettings> settings() {
    Arbitrary<List<String>> attributes = Arbitraries.of("brand", "category", "tags", "id").list().ofMinSize(1)
        .ofMaxSize(3).uniqueElements();
    return Combinators.combine(Arbitraries.of("item", "id"), attributes, Arbitraries.of("", "kingdom", "brand"))
        .as(GmeSchemaPropertyTest::settingsOrEmpty)
        .filter(Optional::isPresent).map(Optional::get);
  }

  private static Optional<GmeSettings> settingsOrEmpty(String item, List<String> attributes, String stratifyBy) {
    try {
      return Optional.of(new GmeSettings(item, attributes, EntropySelector.DUTOPIA, false, new SubsetSize.All(),
          Map.of(), MissingValues.VALUE, 0, stratifyBy.isEmpty() ? null : stratifyBy, WhenShort.CAP, 42, 0,
          GmeScoring.IN_TASK, 0));
    } catch (ConfigException e) {
      return Optional.empty();
    }
  }
}
