package io.sampleforge.spark.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.decode.GenerationSettings;
import io.sampleforge.decode.SamplerSettings;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.InputDataException;
import io.sampleforge.model.NgramModelSpec;
import io.sampleforge.model.NgramTraining;
import io.sampleforge.spark.LocalSparkTest;
import io.sampleforge.text.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TextGenerator stage: with the built-in n-gram model, a saved and loaded Pipeline writes the
 * rows of the fitted one (and those of the static plan with the same model and settings); with the
 * Hugging Face GPT-2 export folder, greedy completions are transformers' own (reference.json) before
 * and after saving, and the saved stage references the model folder instead of embedding it; bad
 * params are named.
 */
class TextGeneratorTest extends LocalSparkTest {
  private static final Path HF = Path.of("src/test/resources/model/hf_gpt2");

  @TempDir
  Path dir;

  private static List<String> sorted(Dataset<Row> d) {
    return d.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  @Test
  void aSavedPipelineWithTheNgramModelWritesTheSameRows() throws IOException {
    Dataset<Row> prompts = ToyPrompts.of(spark, 3, 30).repartition(2);
    TextGenerator stage = new TextGenerator().setToySentences(2000).setSamplesPerPrompt(2).setMaxNewTokens(8)
        .setTopP(0.9).setSeed(5);
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {stage}).fit(prompts);
    Dataset<Row> out = fitted.transform(prompts);
    assertEquals(stage.transformSchema(prompts.schema()), out.schema(), "transformSchema is the output schema");
    List<String> expected = sorted(out);
    assertEquals(60, expected.size());

    // the same model and settings through the static plan the generate job uses
    GenerationSettings settings = new GenerationSettings(SamplerSettings.builder().topP(0.9).build(), 2, 8, List.of(), 64, 5);
    NgramModelSpec model = new NgramModelSpec(NgramTraining.onToyGrammar(4, 1, 2000));
    assertEquals(expected, sorted(TextGeneration.run(prompts, "id", "prompt", model, settings, false).output()));

    String path = dir.resolve("model").toString();
    fitted.write().overwrite().save(path);
    assertEquals(expected, sorted(PipelineModel.load(path).transform(prompts)), "loaded PipelineModel");
    TextGenerator loaded = (TextGenerator) PipelineModel.load(path).stages()[0];
    assertEquals(stage.uid(), loaded.uid());
    assertEquals(stage.generation(List.of()), loaded.generation(List.of()));
    assertEquals(stage.modelChoice(), loaded.modelChoice());
  }

  /**
   * Greedy decoding through the stage with the export folder (cached TorchScript) gives exactly
   * transformers' generate(do_sample=False) completions, before and after save/load; the saved
   * stage is its params (the folder's path), not a copy of the model.
   */
  @Test
  void anExportedModelIsReferencedByPathAndGivesTransformersGreedyText() throws IOException {
    System.setProperty("ai.djl.offline", "true");
    String[] texts = {"the", "some big", "many quiet dogs chase", "every teacher with the child", "dogs dogs dogs"};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      rows.add(RowFactory.create(i + 1, texts[i]));
    }
    Dataset<Row> prompts = spark.createDataFrame(rows, new StructType().add("id", "int").add("prompt", "string"));
    TextGenerator stage = new TextGenerator().setModelType("torchscript").setModelDir(HF.toString()).setCached(true)
        .setDecoding("greedy").setMaxNewTokens(20);
    List<Row> out = stage.transform(prompts).orderBy("id").collectAsList();
    JsonNode ref = new ObjectMapper().readTree(HF.resolve("reference.json").toFile());
    try (HfTokenizer tok = HfTokenizer.load(HF.resolve("tokenizer.json"))) {
      for (int i = 0; i < texts.length; i++) {
        JsonNode want = ref.get("greedy").get(i + 1); // reference prompt 0 is the bare <s>
        int[] ids = new int[want.size() - 1];
        for (int j = 0; j < ids.length; j++) {
          ids[j] = want.get(j).asInt();
        }
        assertEquals(tok.decode(ids), out.get(i).getAs("completion"), "prompt '" + texts[i] + "'");
        assertEquals("eos", out.get(i).getAs("finish_reason"));
      }
    }
    Path saved = dir.resolve("stage");
    stage.write().overwrite().save(saved.toString());
    try (Stream<Path> files = Files.walk(saved)) {
      long bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      assertTrue(bytes < 16_000, "metadata only, no model file: " + bytes + " bytes");
    }
    StringBuilder metadata = new StringBuilder();
    try (Stream<Path> files = Files.list(saved.resolve("metadata"))) {
      for (Path p : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        metadata.append(Files.readString(p));
      }
    }
    assertTrue(metadata.toString().contains("\"modelDir\":\"" + HF + "\""), metadata.toString());
    TextGenerator loaded = TextGenerator.load(saved.toString());
    assertEquals(sorted(stage.transform(prompts)), sorted(loaded.transform(prompts)));
  }

  @Test
  void badParamsNameTheParamTheRuleAndTheValue() {
    message(() -> new TextGenerator().setTopK(-1), "parameter 'topK' (job key 'top_k')", ">= 0", "-1");
    message(() -> new TextGenerator().setTemperature(0), "parameter 'temperature'", "> 0", "0.0");
    message(() -> new TextGenerator().setSamplesPerPrompt(0), "parameter 'samplesPerPrompt' (job key 'samples_per_prompt')",
        ">= 1", "0");
    message(() -> new TextGenerator().setModelType("gguf"), "parameter 'modelType'", "torchscript or onnx", "'gguf'");
    message(() -> new TextGenerator().setOnEmptyPrompt("drop"), "parameter 'onEmptyPrompt'", "error or skip", "'drop'");
    message(() -> new TextGenerator().setContextOverflow("cut"), "parameter 'contextOverflow'", "truncate-left", "'cut'");
    message(() -> new TextGenerator().setRowOverrides("seed"), "parameter 'rowOverrides'", "sampler keys", "'seed'");
    message(() -> new TextGenerator().setNgramOrder(11), "parameter 'ngramOrder'", "between 1 and 10", "11");
    Dataset<Row> prompts = ToyPrompts.of(spark, 1, 3);
    message(() -> new TextGenerator().setModelType("onnx").transform(prompts), "parameter 'modelDir'",
        "or modelPath, tokenizerPath and vocabSize", "modelPath=null");
    InputDataException missing = assertThrows(InputDataException.class,
        () -> new TextGenerator().setPromptCol("text").transformSchema(prompts.schema()));
    assertTrue(missing.getMessage().contains("column 'text' must exist"), missing.getMessage());
  }

  private static void message(Executable e, String... parts) {
    ConfigException x = assertThrows(ConfigException.class, e);
    for (String p : parts) {
      assertTrue(x.getMessage().contains(p), "'" + p + "' in: " + x.getMessage());
    }
  }
}
