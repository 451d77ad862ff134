package io.sampleforge.spark.text;

import io.sampleforge.spark.SchemaRejections;
import io.sampleforge.spark.Schemas;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.spark.sql.types.StructType;

/**
 * Property: the generate job's prompt table check ({@link TextGeneration#validatePromptColumns})
 * accepts a random schema or rejects it with an InputDataException naming the id or prompt column.
 */
class PromptColumnsPropertyTest {

  @Property(tries = 300, seed = "1613")
  void acceptedOrRejectionNamingIdOrPrompt(@ForAll("ids") String id, @ForAll("prompts") String prompt,
      @ForAll("schemas") StructType in) {
    SchemaRejections.passesOrNamesColumn(() -> TextGeneration.validatePromptColumns(in, id, prompt), List.of(id, prompt));
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.of("id", "doc", "a.b");
  }

  @Provide
  Arbitrary<String> prompts() {
    return Arbitraries.of("prompt", "text", "id");
  }

  @Provide
  Arbitrary<StructType> schemas() {
    return Schemas.around(Map.of("id", DataTypes.LongType, "doc", DataTypes.StringType, "a.b", DataTypes.StringType,
        "prompt", DataTypes.StringType, "text", DataTypes.StringType), List.of("id", "prompt", "x"));
  }
}
