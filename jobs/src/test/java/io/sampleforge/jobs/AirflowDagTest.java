package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The example Airflow DAG (airflow/sampleforge_dag.py) runs real command lines: every {@code sf(job,
 * ...)} call is read from the file (string literals; f-string fields become a placeholder path),
 * parsed by Sampleforge's own picocli command line (unknown jobs or options fail) and bound to the
 * job's config record with the YAML file it names (unknown keys, wrong types and out-of-range values
 * fail); every job with a config has a task, every task writes with {@code --mode overwrite}, and
 * every job that produces an output users consume has a sensor on that output's manifest. Java, not
 * Python: the tests run without Python.
 */
class AirflowDagTest {
  private static final Path DAG = Path.of("..", "airflow", "sampleforge_dag.py");

  /** The arguments of every call of {@code function} in the DAG, as strings. */
  static List<List<String>> calls(String source, String function) {
    List<List<String>> out = new ArrayList<>();
    int at = 0;
    while ((at = source.indexOf(function + "(", at)) >= 0) {
      boolean definition = source.startsWith("def ", Math.max(0, at - 4));
      boolean partOfName = at > 0 && (Character.isLetterOrDigit(source.charAt(at - 1)) || source.charAt(at - 1) == '_');
      at += function.length() + 1;
      if (definition || partOfName) {
        continue;
      }
      List<String> args = new ArrayList<>();
      int depth = 1;
      while (depth > 0) {
        char c = source.charAt(at);
        if (c == '"' || c == '\'' || (c == 'f' && (source.charAt(at + 1) == '"' || source.charAt(at + 1) == '\''))) {
          boolean f = c == 'f';
          int start = f ? at + 2 : at + 1;
          char quote = source.charAt(start - 1);
          int end = source.indexOf(quote, start);
          String literal = source.substring(start, end);
          args.add(f ? literal.replaceAll("\\{[^}]*}", "data") : literal);
          at = end + 1;
        } else {
          if (c == '(') {
            depth++;
          } else if (c == ')') {
            depth--;
          } else if (depth == 1 && !Character.isWhitespace(c) && c != ',' && c != '*') {
            throw new AssertionError("sf()/manifest() arguments must be string literals; found '" + c + "' at offset "
                + at + " of " + DAG);
          }
          at++;
        }
      }
      out.add(args);
    }
    return out;
  }

  /** Parses a DAG command line with Sampleforge's command line and binds it to the job's config. */
  static Object validate(List<String> args) {
    List<String> local = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      local.add(i > 0 && (args.get(i - 1).equals("-c") || args.get(i - 1).equals("--config"))
          ? Path.of("..").resolve(args.get(i)).toString() : args.get(i));
    }
    CommandLine.ParseResult parsed = new CommandLine(new SampleforgeMain()).parseArgs(local.toArray(String[]::new));
    Object command = parsed.subcommand().commandSpec().userObject();
    assertInstanceOf(ConfiguredCommand.class, command, args.get(0) + " binds a config");
    return ((ConfiguredCommand) command).config();
  }

  /** The job command lines of a batch task's file (bound and validated as the batch command binds it). */
  static List<List<String>> batchLines(List<String> args) {
    int c = args.indexOf("-c");
    assertTrue(c > 0, args + ": the batch task names its file with -c");
    io.sampleforge.jobs.config.BatchConfig batch = io.sampleforge.jobs.config.ConfigLoader.bind(
        io.sampleforge.jobs.config.ConfigLoader.tree(Path.of("..").resolve(args.get(c + 1)), List.of()),
        io.sampleforge.jobs.config.BatchConfig.class);
    assertEquals(io.sampleforge.jobs.config.BatchConfig.OnFailure.STOP, batch.onFailure(), "the DAG's batch stops at a failure");
    return batch.jobs();
  }

  @Test
  void everyTaskRunsAValidCommandLineAndEveryOutputHasAManifestSensor() throws IOException {
    String source = Files.readString(DAG);
    List<List<String>> tasks = calls(source, "sf");
    Set<String> jobs = new TreeSet<>();
    Set<String> outputs = new TreeSet<>();
    for (List<String> args : tasks) {
      if (args.get(0).equals("batch")) { // every line of the batch file is a job command line like the others
        List<List<String>> lines = batchLines(args);
        for (List<String> line : lines) {
          validate(line);
          int mode = line.indexOf("--mode");
          assertTrue(mode > 0 && line.get(mode + 1).equals("overwrite"), line + ": --mode overwrite, for idempotent retries");
        }
        // on_failure: stop, so the last job's manifest means every job succeeded: the one sensor the task needs
        outputs.add("data/" + ((io.sampleforge.jobs.config.JobTarget) validate(lines.get(lines.size() - 1))).output());
        jobs.add("batch");
        continue;
      }
      validate(args);
      jobs.add(args.get(0));
      int mode = args.indexOf("--mode");
      assertTrue(mode > 0 && args.get(mode + 1).equals("overwrite"), args + ": --mode overwrite, for idempotent retries");
      int output = args.indexOf("--output");
      if (args.get(0).equals("mix")) { // mix writes round r of a series to {output}/round=r
        String round = args.stream().filter(a -> a.startsWith("round=")).findFirst().orElseThrow(
            () -> new AssertionError(args + ": the mix task names its round (--set round=N)"));
        outputs.add(args.get(output + 1) + "/" + round);
      } else if (!args.get(0).startsWith("synth-")) {
        outputs.add(args.get(output + 1));
      }
    }
    assertEquals(new TreeSet<>(List.of("batch", "coreset", "corrupt", "diffuse", "generate", "gme", "mix", "posterior", "smote",
        "synth-relations", "synth-table", "train-denoiser")), jobs);
    Set<String> sensed = new TreeSet<>();
    for (List<String> args : calls(source, "manifest")) {
      sensed.add(args.get(1));
    }
    assertEquals(outputs, sensed, "a _manifest.json sensor on every consumed output");
  }

  /** The check can fail: a misspelt key, an unknown option and an unknown job are caught. */
  @Test
  void aWrongKeyOptionOrJobIsCaught() throws IOException {
    List<String> smote = calls(Files.readString(DAG), "sf").stream().filter(a -> a.get(0).equals("smote")).findFirst()
        .orElseThrow();
    List<String> typo = new ArrayList<>(smote);
    typo.addAll(List.of("--set", "neighbours=5"));
    assertThrows(ConfigException.class, () -> validate(typo));
    List<String> option = new ArrayList<>(smote);
    option.add("--neighbours");
    assertThrows(CommandLine.ParameterException.class, () -> validate(option));
    List<String> job = new ArrayList<>(smote);
    job.set(0, "smoteish");
    assertThrows(CommandLine.ParameterException.class, () -> validate(job));
  }
}
