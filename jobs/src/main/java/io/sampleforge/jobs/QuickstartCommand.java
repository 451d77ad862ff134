package io.sampleforge.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.GmeJobConfig;
import io.sampleforge.jobs.config.SynthRelationsConfig;
import io.sampleforge.jobs.config.SmoteJobConfig;
import io.sampleforge.jobs.config.SynthTableConfig;
import io.sampleforge.jobs.run.JobSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quickstart}: generates a deterministic imbalanced table (three classes, 90/7/3 %) and
 * balances it with SMOTE; then generates a skewed catalogue of items with brand and category
 * relations, selects a GME-diverse subset, and compares its per-column entropies with a random
 * subset of the same size; finally trains the built-in n-gram model on the toy grammar and
 * generates completions under two samplers, printing grammatical fraction and distinct-2; and
 * samples the built-in Markov chain by masked diffusion with the first-hitting and ancestral
 * samplers, printing their model calls and exact-law distances.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = "SMOTE on a generated table, a GME-diverse subset of a generated catalogue, and synthetic text from the toy grammar (a short tour)")
final class QuickstartCommand implements Callable<Integer> {
  @Option(names = "--dir", paramLabel = "DIR", description = "working directory for the table and output (default: ${DEFAULT-VALUE})")
  Path dir = Path.of("sampleforge-quickstart");

  @Option(names = "--rows", paramLabel = "N", description = "table size (default: ${DEFAULT-VALUE})")
  long rows = 100_000;

  @Option(names = "--items", paramLabel = "N", description = "catalogue items (default: ${DEFAULT-VALUE})")
  long items = 20_000;

  @Option(names = "--subset", paramLabel = "N", description = "diverse subset size (default: ${DEFAULT-VALUE})")
  int subset = 500;

  @Override
  public Integer call() {
    SparkSession spark = JobSession.getOrCreate("quickstart");
    String table = dir.resolve("table").toString();
    String balanced = dir.resolve("balanced").toString();
    ObjectNode synth = ConfigLoader.tree(null, List.of("output=" + table, "mode=overwrite", "rows=" + rows,
        "weights=[0.90, 0.07, 0.03]", "informative=6", "redundant=2", "noise=2", "partitions=2", "seed=7"));
    SynthTableJob.Summary t = SynthTableJob.run(spark, ConfigLoader.bind(synth, SynthTableConfig.class));
    System.out.printf("generated %d rows (classes %s) in %s%n", rows, t.counts(), table);
    ObjectNode smote = ConfigLoader.tree(null, List.of("input=" + table, "output=" + balanced, "mode=overwrite",
        "label=label", "features=[f0,f1,f2,f3,f4,f5,f6,f7,f8,f9]", "id_column=id", "k=5", "sampling_strategy=auto", "seed=7"));
    SmoteJob.Summary s = SmoteJob.run(spark, ConfigLoader.bind(smote, SmoteJobConfig.class));
    System.out.println("SMOTE (k=5, sampling_strategy=auto):");
    SmoteCommand.print(System.out, s);
    diverseSubset(spark);
    syntheticText(spark);
    maskedDiffusion(spark);
    return 0;
  }

  /**
   * Masked-diffusion sampling of the built-in Markov chain (conf/jobs/generate-mdm.yaml's chain): the
   * exact first-hitting sampler against MDLM's ancestral sampler, by model calls and exact-law distance.
   */
  private void maskedDiffusion(SparkSession spark) {
    String prompts = dir.resolve("chain-prompts").toString();
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      rows.add(org.apache.spark.sql.RowFactory.create((long) i, List.of("a", "b", "c").get(i % 3)));
    }
    spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType().add("id", "long").add("prompt", "string"))
        .coalesce(1).write().mode("overwrite").parquet(prompts);
    System.out.printf("%nmasked diffusion: the built-in 3-state Markov chain, length 12, 200 one-state prompts x 5 samples%n");
    System.out.printf("%-40s %12s %13s %16s%n", "sampler", "NFE/sequence", "hits/sequence", "exact-law dist.");
    String[][] samplers = {{"first-hitting (exact)"},
        {"ancestral, 128 steps + cache (MDLM)", "diffusion.sampler=ancestral", "diffusion.steps=128"}};
    for (int k = 0; k < samplers.length; k++) {
      List<String> args = new java.util.ArrayList<>(List.of("input=" + prompts, "output=" + dir.resolve("chain-" + k),
          "mode=overwrite", "model.type=markov-chain", "model.states=[a, b, c]", "model.initial=[0.5, 0.3, 0.2]",
          "model.transitions=[[0.1, 0.6, 0.3], [0.2, 0.2, 0.6], [0.7, 0.2, 0.1]]", "model.length=12",
          "samples_per_prompt=5", "seed=7"));
      args.addAll(java.util.Arrays.asList(samplers[k]).subList(1, samplers[k].length));
      GenerateJob.Summary g = GenerateJob.run(spark,
          ConfigLoader.bind(ConfigLoader.tree(null, args), io.sampleforge.jobs.config.GenerateJobConfig.class));
      System.out.printf(Locale.ROOT, "%-40s %12.2f %13.2f %16.4f%n", samplers[k][0],
          g.diffusion().nfeTotal() / (double) g.samples(), g.diffusion().cacheHitsTotal() / (double) g.samples(),
          g.diffusion().exactLawDistance());
    }
    System.out.println("(exact-law distance: mean total variation of adjacent-pair laws to the chain's, given the prompts;"
        + " 1,000 sequences leave about 0.03 of sampling noise)");
  }

  /** Trains the n-gram model on the toy grammar and samples completions under two samplers. */
  private void syntheticText(SparkSession spark) {
    String prompts = dir.resolve("prompts").toString();
    io.sampleforge.spark.text.ToyPrompts.of(spark, 99, 200)
        .coalesce(2).write().mode("overwrite").parquet(prompts);
    System.out.printf("%nsynthetic text: a 4-gram Kneser-Ney model trained on 20,000 toy-grammar sentences, 200 prompts x 5 samples%n");
    System.out.printf("%-36s %12s %12s %12s%n", "sampler", "grammatical", "distinct-2", "tokens/s");
    String[][] samplers = {{"ancestral (temperature 1)"}, {"temperature 0.7 + top-p 0.9", "temperature=0.7", "top_p=0.9"}};
    for (int k = 0; k < samplers.length; k++) {
      List<String> args = new java.util.ArrayList<>(List.of("input=" + prompts, "output=" + dir.resolve("generated-" + k),
          "mode=overwrite", "samples_per_prompt=5", "max_new_tokens=24", "seed=7"));
      args.addAll(java.util.Arrays.asList(samplers[k]).subList(1, samplers[k].length));
      GenerateJob.Summary g = GenerateJob.run(spark,
          ConfigLoader.bind(ConfigLoader.tree(null, args), io.sampleforge.jobs.config.GenerateJobConfig.class));
      System.out.printf(Locale.ROOT, "%-36s %12.3f %12.3f %12.0f%n", samplers[k][0], g.grammatical(), g.distinct2(),
          g.tokensPerSecond());
    }
    System.out.printf("(output: %s/generated-0 and generated-1)%n", dir);
  }

  private void diverseSubset(SparkSession spark) {
    String catalogue = dir.resolve("catalogue").toString();
    String diverse = dir.resolve("diverse").toString();
    ObjectNode synth = ConfigLoader.tree(null, List.of("output=" + catalogue, "mode=overwrite", "items=" + items,
        "relations_per_item=5", "columns=[brand, category]", "vocabulary=[2000, 200]", "skew=3", "seed=7"));
    SynthRelationsJob.Summary c = SynthRelationsJob.run(spark, ConfigLoader.bind(synth, SynthRelationsConfig.class));
    System.out.printf("%ngenerated a skewed catalogue: %d items, %d (item, brand, category) relations in %s%n", items,
        c.relations(), catalogue);
    ObjectNode gme = ConfigLoader.tree(null, List.of("input=" + catalogue, "output=" + diverse, "mode=overwrite",
        "item=item", "attributes=[brand, category]", "selector=dutopia", "n=" + subset, "emit=both", "seed=7"));
    GmeJob.Summary g = GmeJob.run(spark, ConfigLoader.bind(gme, GmeJobConfig.class));
    System.out.printf("GME-diverse subset (dutopia, n=%d):%n", subset);
    GmeCommand.print(System.out, g);
    Dataset<Row> relations = spark.read().parquet(catalogue);
    Dataset<Row> randomItems = relations.select("item").distinct()
        .orderBy(functions.xxhash64(functions.col("item"), functions.lit(7L))).limit(subset);
    Dataset<Row> random = relations.join(randomItems, "item");
    Dataset<Row> chosen = spark.read().parquet(diverse + "/rows");
    System.out.printf("%n%-10s %12s %12s %12s %12s%n", "column", "GME subset", "random", "catalogue", "ln|V|");
    for (String col : List.of("brand", "category")) {
      long distinct = relations.select(col).distinct().count();
      System.out.printf(Locale.ROOT, "%-10s %12.4f %12.4f %12.4f %12.4f%n", col, io.sampleforge.spark.subset.SubsetEntropy.of(chosen, col),
          io.sampleforge.spark.subset.SubsetEntropy.of(random, col), io.sampleforge.spark.subset.SubsetEntropy.of(relations, col), Math.log(distinct));
    }
    System.out.println("(Shannon entropy in nats of each column's relation counts; higher = more diverse, ln|V| = maximum)");
  }
}
