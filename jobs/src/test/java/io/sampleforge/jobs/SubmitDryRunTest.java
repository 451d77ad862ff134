package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit command that {@code submit.sh --dry-run} prints, for a local, a standalone (client
 * and cluster), a YARN and a Kubernetes master, with SPARK_HOME pointing at a folder whose
 * bin/spark-submit is never run. The printed line is split as a POSIX shell would split it. Checked:
 * the -c/--config file is shipped with --files and given to the job by its absolute path in client
 * mode and by its base name in cluster mode; --load-spark-defaults keeps the cluster's
 * spark-defaults.conf; --gpu ships the discovery script to YARN containers and names a path valid on
 * the executor's node elsewhere; in cluster mode no argument names a path of this machine other
 * than those spark-submit itself reads or uploads (the jar, --files, --properties-file).
 */
class SubmitDryRunTest {
  private static final Path SUBMIT = Path.of("..", "submit.sh").toAbsolutePath().normalize();
  private static final Path ROOT = SUBMIT.getParent();

  @TempDir
  Path dir;

  private Path sparkHome;
  private Path work;
  private Path config;

  @BeforeEach
  void layout() throws IOException {
    sparkHome = dir.resolve("spark");
    Files.createDirectories(sparkHome.resolve("bin"));
    Path spark = Files.writeString(sparkHome.resolve("bin/spark-submit"), "#!/bin/sh\necho 'never run in a dry run' >&2\nexit 99\n");
    Files.setPosixFilePermissions(spark, PosixFilePermissions.fromString("rwxr-xr-x"));
    work = Files.createDirectories(dir.resolve("work"));
    config = Files.copy(ROOT.resolve("conf/jobs/synth-table.yaml"), work.resolve("tiny.yaml")).toRealPath();
  }

  /** Exit code and output of {@code bash submit.sh args} run from the work folder. */
  private record Run(int code, String out, String err) {}

  private Run submit(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", SUBMIT.toString()));
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().remove("SPARK_CONF_DIR");
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    int code = pb.start().waitFor();
    return new Run(code, Files.readString(out), Files.readString(err));
  }

  /** The printed command, split into words, with its parts told apart. */
  private record Command(Map<String, String> env, String program, List<String[]> options, String jar, List<String> jobArgs) {
    List<String> all(String option) {
      return options.stream().filter(o -> o[0].equals(option)).map(o -> o[1]).toList();
    }

    String one(String option) {
      List<String> values = all(option);
      assertEquals(1, values.size(), option + " given once: " + values);
      return values.get(0);
    }

    List<String> confs() {
      return all("--conf");
    }

    String conf(String key) {
      String found = null;
      for (String c : confs()) {
        if (c.startsWith(key + "=")) {
          found = c.substring(key.length() + 1);
        }
      }
      return found;
    }

    List<String> files() {
      return all("--files").stream().flatMap(f -> Arrays.stream(f.split(","))).toList();
    }
  }

  /** spark-submit's options that take no value. */
  private static final Set<String> SWITCHES = Set.of("--load-spark-defaults", "--verbose", "--supervise");

  private Command dryRun(String... args) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.add("--dry-run");
    Run run = submit(all.toArray(String[]::new));
    assertEquals(0, run.code(), "dry run exits 0; stderr: " + run.err());
    String[] lines = run.out().strip().split("\n");
    assertEquals(1, lines.length, "one line: " + run.out());
    List<String> words = ShellWords.split(lines[0]);
    Map<String, String> env = new LinkedHashMap<>();
    int i = 0;
    while (words.get(i).matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
      String w = words.get(i++);
      env.put(w.substring(0, w.indexOf('=')), w.substring(w.indexOf('=') + 1));
    }
    String program = words.get(i++);
    List<String[]> options = new ArrayList<>();
    while (words.get(i).startsWith("--")) {
      String option = words.get(i++);
      options.add(SWITCHES.contains(option) ? new String[] {option, ""} : new String[] {option, words.get(i++)});
    }
    String jar = words.get(i++);
    return new Command(env, program, options, jar, words.subList(i, words.size()));
  }

  private void assertCommon(Command c) {
    assertEquals(sparkHome.resolve("bin/spark-submit").toString(), c.program());
    assertEquals("io.sampleforge.jobs.SampleforgeMain", c.one("--class"));
    assertEquals(ROOT.resolve("jobs/target/sampleforge-jobs-cluster.jar").toString(), c.jar());
    assertEquals(ROOT.resolve("conf/spark/cluster.conf").toString(), c.one("--properties-file"));
    assertEquals(1, c.all("--load-spark-defaults").size(), "--load-spark-defaults keeps spark-defaults.conf");
    assertTrue(c.files().contains(config.toString()), "--files ships the config: " + c.files());
    assertEquals("synth-table", c.jobArgs().get(0));
  }

  /** The job's value of -c, checking that it comes right after -c. */
  private static String configArg(Command c) {
    int at = c.jobArgs().indexOf("-c");
    assertTrue(at > 0, "job args keep -c: " + c.jobArgs());
    return c.jobArgs().get(at + 1);
  }

  /**
   * In cluster mode the driver runs on a cluster node: no argument may name a path of this
   * machine, except the values spark-submit reads or uploads itself (jar, --files, --properties-file).
   */
  private void assertNoLocalPaths(Command c) {
    List<String> words = new ArrayList<>(c.jobArgs());
    for (String[] o : c.options()) {
      if (!o[0].equals("--files") && !o[0].equals("--properties-file")) {
        words.add(o[1]);
      }
    }
    for (String w : words) {
      for (String part : w.split("[=\\s,]")) {
        assertFalse(part.startsWith("/") && Files.exists(Path.of(part)), "'" + w + "' names " + part + ", a path of this machine");
      }
      assertFalse(w.contains(ROOT.toString()) || w.contains(dir.toString()), "'" + w + "' names a local folder");
    }
  }

  @Test
  void localMasterShipsTheConfigAndGivesTheJobItsAbsolutePath() throws Exception {
    Command c = dryRun("synth-table", "--master", "local[2]", "-c", "tiny.yaml", "--output", "out");
    assertCommon(c);
    assertEquals("local[2]", c.one("--master"));
    assertEquals(config.toString(), configArg(c));
  }

  @Test
  void standaloneClientModeGivesTheAbsolutePathAndClusterModeTheBaseName() throws Exception {
    Command client = dryRun("synth-table", "--master", "spark://host:7077", "--deploy-mode", "client", "--config=tiny.yaml",
        "--output", "hdfs:///out/t");
    assertCommon(client);
    assertTrue(client.jobArgs().contains("--config=" + config), client.jobArgs().toString());

    Command cluster = dryRun("synth-table", "--master", "spark://host:7077", "--deploy-mode", "cluster", "-c", "tiny.yaml",
        "--output", "hdfs:///out/t");
    assertCommon(cluster);
    assertEquals("cluster", cluster.one("--deploy-mode"));
    assertEquals("tiny.yaml", configArg(cluster));
    assertNoLocalPaths(cluster);
  }

  @Test
  void yarnClusterModeShipsTheConfigAndTheGpuDiscoveryScript() throws Exception {
    Command c = dryRun("synth-table", "--master", "yarn", "--deploy-mode", "cluster", "--gpu", "-c", "tiny.yaml",
        "--output", "hdfs:///out/t");
    assertCommon(c);
    assertEquals("tiny.yaml", configArg(c));
    assertTrue(c.files().contains(ROOT.resolve("conf/spark/getGpusResources.sh").toString()), "script shipped: " + c.files());
    assertEquals("./getGpusResources.sh", c.conf("spark.executor.resource.gpu.discoveryScript"),
        "YARN puts shipped files in each container's working directory");
    assertEquals("1", c.conf("spark.executor.resource.gpu.amount"), "the rest of gpu.conf is passed");
    assertNoLocalPaths(c);
  }

  @Test
  void kubernetesClusterModeUsesTheImagesDiscoveryScript() throws Exception {
    Command c = dryRun("synth-table", "--master", "k8s://https://host:6443", "--deploy-mode", "cluster", "--gpu", "-c",
        "tiny.yaml", "--output", "s3a://bucket/out");
    assertCommon(c);
    assertEquals("tiny.yaml", configArg(c));
    assertEquals("/opt/spark/examples/src/main/scripts/getGpusResources.sh", c.conf("spark.executor.resource.gpu.discoveryScript"));
    assertFalse(c.files().stream().anyMatch(f -> f.endsWith("getGpusResources.sh")),
        "a pod runs discovery before it fetches SparkFiles: nothing to ship");
    assertNoLocalPaths(c);
  }

  @Test
  void standaloneGpuLeavesDiscoveryToTheWorkers() throws Exception {
    Command c = dryRun("synth-table", "--master", "spark://host:7077", "--deploy-mode", "cluster", "--gpu", "-c", "tiny.yaml",
        "--output", "hdfs:///out/t");
    assertEquals(null, c.conf("spark.executor.resource.gpu.discoveryScript"));
    assertEquals("1", c.conf("spark.executor.resource.gpu.amount"));
    assertNoLocalPaths(c);
  }

  @Test
  void theClustersDefaultsAreKeptWhereOurCommandWouldReplaceThem() throws Exception {
    Files.createDirectories(sparkHome.resolve("conf"));
    Files.writeString(sparkHome.resolve("conf/spark-defaults.conf"),
        "spark.files hdfs:///shared/lookup.csv\nspark.executor.extraJavaOptions -Dsite.setting=1\n", StandardCharsets.UTF_8);
    Command c = dryRun("synth-table", "--master", "yarn", "--deploy-mode", "cluster", "-c", "tiny.yaml", "--output", "o");
    assertEquals(List.of(config.toString(), "hdfs:///shared/lookup.csv"), c.files(),
        "--files replaces spark.files, so it carries the defaults' entry");
    assertTrue(c.conf("spark.executor.extraJavaOptions").endsWith(" -Dsite.setting=1"), c.conf("spark.executor.extraJavaOptions"));
    assertTrue(c.conf("spark.executor.extraJavaOptions").contains("--add-opens=java.base/java.nio=ALL-UNNAMED"));

    Command user = dryRun("synth-table", "--master", "yarn", "--deploy-mode", "cluster", "--conf", "spark.files=hdfs:///mine.txt",
        "-c", "tiny.yaml", "--output", "o");
    assertEquals(List.of(config.toString(), "hdfs:///mine.txt"), user.files(), "the user's spark.files wins over the defaults'");
    assertEquals(null, user.conf("spark.files"));
  }

  @Test
  void aMissingConfigFailsBeforeAnythingIsPrinted() throws Exception {
    Run run = submit("synth-table", "--master", "yarn", "--deploy-mode", "cluster", "-c", "absent.yaml", "--dry-run");
    assertEquals(2, run.code());
    assertEquals("", run.out());
    assertTrue(run.err().contains("config file not found: absent.yaml") && run.err().contains(work.toRealPath().toString()), run.err());
  }

  @Test
  void aConfigUriIsShippedAsItIsAndTheJobGetsItsName() throws Exception {
    Command c = dryRun("synth-table", "--master", "yarn", "--deploy-mode", "client", "-c", "hdfs:///confs/st.yaml");
    assertTrue(c.files().contains("hdfs:///confs/st.yaml"), c.files().toString());
    assertEquals("st.yaml", configArg(c));
  }

  @Test
  void theWordSplitterFollowsTheShell() {
    assertEquals(List.of("a b", "it's", "x=$y", "plain", ""), ShellWords.split("'a b' 'it'\\''s' \"x=\\$y\" plain ''"));
  }
}
