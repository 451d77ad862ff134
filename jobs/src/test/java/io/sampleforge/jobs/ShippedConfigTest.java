package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.jobs.run.ShippedConfig;
import io.sampleforge.spark.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.launcher.JavaModuleOptions;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job reads a config that reached it only through spark-submit --files, as in cluster mode: the
 * job is given the file's bare name from a working directory that does not hold it, and finds it
 * through SparkFiles. Run for real with spark-submit's own entry point (SparkSubmit, in a child
 * JVM, on a local-cluster master with one executor JVM), and in this JVM with a running session.
 * A name shipped nowhere fails with exit 2 naming every place looked in.
 */
class ShippedConfigTest {
  @TempDir
  Path dir;

  /** A small synth-table config whose settings differ from the defaults (100,000 rows, 16 features). */
  private static String tinyConfig(long rows) {
    return "rows: " + rows + "\ninformative: 2\nredundant: 1\nnoise: 1\nweights: [0.8, 0.2]\nclusters_per_class: 1\n"
        + "partitions: 1\nseed: 11\n";
  }

  private static JsonNode manifest(Path output) throws Exception {
    return new ObjectMapper().readTree(output.resolve("_manifest.json").toFile());
  }

  @Test
  void sparkSubmitOnALocalClusterShipsTheConfigToAJobThatKnowsOnlyItsName() throws Exception {
    Path shipped = Files.createDirectories(dir.resolve("submitter")).resolve("tiny.yaml");
    Files.writeString(shipped, tinyConfig(123));
    Path driverCwd = Files.createDirectories(dir.resolve("driver-cwd"));
    Path output = dir.resolve("out");
    String sparkHome = System.getenv("SPARK_HOME");
    assertTrue(sparkHome != null, "surefire sets SPARK_HOME to a folder with an empty jars/");
    Files.createDirectories(Path.of(sparkHome, "jars"));
    String classPath = System.getProperty("java.class.path");
    // C1 only in both JVMs: they run a few seconds of code, which C2 would only start compiling.
    String options = JavaModuleOptions.defaultModuleOptions() + " -XX:TieredStopAtLevel=1 -Dai.djl.offline=true -DdisableProgressBar=true";

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(JavaModuleOptions.defaultModuleOptions().split(" ")));
    command.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-cp", classPath, "org.apache.spark.deploy.SparkSubmit",
        "--master", "local-cluster[1,1,1024]", "--class", SampleforgeMain.class.getName(), "--files", shipped.toString(),
        "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=2",
        "--conf", "spark.executor.extraClassPath=" + classPath, "--conf", "spark.executor.extraJavaOptions=" + options,
        "spark-internal", "synth-table", "-c", "tiny.yaml", "--output", output.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).directory(driverCwd.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("driver.log").toFile());
    Process driver = pb.start();
    boolean done = driver.waitFor(180, TimeUnit.SECONDS);
    if (!done) {
      driver.destroyForcibly().waitFor();
    }
    String log = Files.readString(dir.resolve("driver.log"));
    assertTrue(done, "the driver finished within 180 s; its log:\n" + log);
    assertEquals(0, driver.exitValue(), "exit code; the driver's log:\n" + log);
    assertFalse(Files.exists(driverCwd.resolve("tiny.yaml")), "the driver's working directory never held the config");

    JsonNode m = manifest(output);
    assertEquals(123, m.at("/output_tables/./rows").asLong(), "rows counted from the Parquet footers");
    assertEquals(123, m.at("/config/rows").asLong());
    assertEquals(1, m.at("/config/noise").asInt());
    assertEquals(11, m.at("/seed").asLong());
    assertEquals("local-cluster[1,1,1024]", m.at("/spark_settings/spark.master").asText());
    assertEquals("sampleforge synth-table", m.at("/spark_settings/spark.app.name").asText(),
        "the session the config lookup started is the job's own");
  }

  @Test
  void inARunningSessionABareNameIsFoundInSparkFilesAndAnUnshippedOneFails() throws Exception {
    Path shipped = Files.createDirectories(dir.resolve("submitter")).resolve("shipped-" + dir.getFileName() + ".yaml");
    Files.writeString(shipped, tinyConfig(77));
    String name = shipped.getFileName().toString();
    assertFalse(Files.exists(Path.of(name)), "the test's working directory does not hold " + name);

    Cli noSession = Cli.run("synth-table", "-c", "nowhere.yaml", "--output", dir.resolve("never").toString());
    assertEquals(2, noSession.code());
    assertTrue(noSession.err().contains("parameter '--config' must be a readable YAML file; got nowhere.yaml")
        && noSession.err().contains(Path.of("nowhere.yaml").toAbsolutePath().toString())
        && noSession.err().contains("spark.files (ships no file of that name)"), noSession.err());
    assertNull(SparkEnv.get(), "a name that nothing ships starts no Spark");

    SparkSession spark = SparkTestSession.start("local[1]");
    try {
      spark.sparkContext().addFile(shipped.toString());
      Path found = ShippedConfig.resolve(Path.of(name), "test");
      assertEquals(Path.of(SparkFiles.get(name)), found);
      assertEquals(tinyConfig(77), Files.readString(found), "SparkFiles holds the shipped file's copy");

      Cli missing = Cli.run("synth-table", "-c", "nowhere.yaml", "--output", dir.resolve("never").toString());
      assertEquals(2, missing.code());
      assertTrue(missing.err().contains(Path.of(SparkFiles.getRootDirectory(), "nowhere.yaml") + " (SparkFiles)"), missing.err());
      assertFalse(Files.exists(dir.resolve("never")));
    } finally {
      SparkTestSession.stop(spark);
    }
  }
}
