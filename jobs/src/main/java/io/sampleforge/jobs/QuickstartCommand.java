package io.sampleforge.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sampleforge.jobs.config.ConfigLoader;
import io.sampleforge.jobs.config.SmoteJobConfig;
import io.sampleforge.jobs.config.SynthTableConfig;
import io.sampleforge.jobs.run.JobSession;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quickstart}: generates a deterministic imbalanced table (three classes, 90/7/3 %), balances
 * it with SMOTE, and prints per-class counts and where the output is.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = "Generate an imbalanced table and balance it with SMOTE (a one-minute tour)")
final class QuickstartCommand implements Callable<Integer> {
  @Option(names = "--dir", paramLabel = "DIR", description = "working directory for the table and output (default: ${DEFAULT-VALUE})")
  Path dir = Path.of("sampleforge-quickstart");

  @Option(names = "--rows", paramLabel = "N", description = "table size (default: ${DEFAULT-VALUE})")
  long rows = 100_000;

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
    return 0;
  }
}
