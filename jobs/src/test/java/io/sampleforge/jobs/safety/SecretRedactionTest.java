package io.sampleforge.jobs.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sampleforge.jobs.SampleforgeMain;
import io.sampleforge.jobs.io.Manifest;
import io.sampleforge.jobs.io.Redaction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets in Spark/Hadoop settings and in URI user-info never reach a manifest, standard output,
 * standard error or the log (issue 16, "Secrets and safety"). Real jobs (synth-table, then smote on
 * its output) run in this JVM on a local session that carries fake secrets; everything they print
 * or log (log4j root at INFO, Spark included) and every file they write is searched for the secret
 * values. Fails if {@code Redaction.value} returns the value unchanged (checked by hand once).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretRedactionTest {
  private static final Map<String, String> SECRETS = Map.of(
      "spark.hadoop.fs.s3a.secret.key", "FAKE-SECRET-s3cr3t-123",
      "spark.hadoop.fs.azure.account.key.x", "FAKE-SECRET-azure-456",
      "spark.my.password", "FAKE-SECRET-789");
  /** A Hadoop-only sensitive key whose key and value Spark's default pattern does not match. */
  private static final String AZURE_PLAIN_KEY = "spark.hadoop.fs.azure.account.key.plain";
  private static final String AZURE_PLAIN_VALUE = "Zm9vYmFyYmF6cXV4";

  @TempDir
  Path dir;
  private SparkSession spark;

  @BeforeAll
  void start() {
    SparkSession.Builder b = SparkSession.builder().master("local[2]").appName("sampleforge-secrets")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config(AZURE_PLAIN_KEY, AZURE_PLAIN_VALUE);
    SECRETS.forEach(b::config);
    spark = b.getOrCreate();
    assertEquals("FAKE-SECRET-s3cr3t-123", spark.sparkContext().hadoopConfiguration().get("fs.s3a.secret.key"),
        "the session really carries the fake secrets");
  }

  @AfterAll
  void stop() {
    spark.stop();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  @Test
  void jobsKeepSecretsOutOfManifestsOutputAndLogs() throws IOException {
    String table = dir.resolve("table").toString();
    String balanced = dir.resolve("balanced").toString();
    String uriSecret = "FAKE-SECRET-uri-000";
    Captured c = capture(() -> {
      assertEquals(0, SampleforgeMain.execute("synth-table", "--output", table, "--rows", "2000",
          "--set", "weights=[0.8,0.2]", "--set", "informative=2", "--set", "redundant=0", "--set", "noise=1"));
      assertEquals(0, SampleforgeMain.execute("smote", "--input", table, "--output", balanced,
          "--set", "features=[f0,f1,f2]", "--set", "id_column=id", "--set", "label=label"));
      // a credential in a path: the job is refused (local FS has no such authority) and says so
      int code = SampleforgeMain.execute("synth-table", "--output", "file://AKIA:" + uriSecret + "@localhost" + dir.resolve("x"),
          "--rows", "100");
      assertNotEquals(0, code);
    });
    List<String> secrets = new ArrayList<>(SECRETS.values());
    secrets.add(uriSecret);
    secrets.add(AZURE_PLAIN_VALUE);
    StringBuilder files = new StringBuilder();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        files.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
      }
    }
    for (String secret : secrets) {
      assertFalse(c.out.contains(secret), "stdout shows " + secret);
      assertFalse(c.err.contains(secret), "stderr shows " + secret + ":\n" + c.err);
      assertFalse(c.log.contains(secret), "the log shows " + secret);
      assertFalse(files.toString().contains(secret), "a written file holds " + secret);
    }
    assertTrue(c.err.contains("file://" + Redaction.REPLACEMENT + "@localhost"), c.err);
    assertTrue(c.log.contains("phase generate+write"), "the log was captured: " + c.log);

    for (String out : List.of(table, balanced)) {
      JsonNode settings = new ObjectMapper().readTree(Path.of(out, Manifest.FILE).toFile()).get("spark_settings");
      assertEquals(Redaction.REPLACEMENT, settings.get("spark.hadoop.fs.s3a.secret.key").asText(), settings.toString());
      assertEquals(Redaction.REPLACEMENT, settings.get("spark.hadoop.fs.azure.account.key.x").asText());
      assertEquals(Redaction.REPLACEMENT, settings.get(AZURE_PLAIN_KEY).asText());
      assertEquals("local[2]", settings.get("spark.master").asText());
      assertEquals("4", settings.get("spark.sql.shuffle.partitions").asText());
      assertFalse(settings.has("spark.my.password"), "only result/provenance settings are recorded");
      assertFalse(settings.has("spark.ui.enabled"));
    }
  }

  @Test
  void manifestRedactsUserInfoInEveryPathButKeepsConfigValues() throws IOException {
    Manifest m = new Manifest().put("input", "s3a://AKIA:FAKE-SECRET-m1@bucket/in")
        .put("config", Map.of("output", "hdfs://u:FAKE-SECRET-m2@nn:8020/out", "max_new_tokens", 24,
            "eos_token_ids", List.of(2, 3), "path", "s3a://bucket/file@2024.csv"));
    m.write(FileSystem.getLocal(new Configuration()), dir.toString());
    String text = Files.readString(dir.resolve(Manifest.FILE));
    assertFalse(text.contains("FAKE-SECRET"), text);
    JsonNode j = new ObjectMapper().readTree(text);
    assertEquals("s3a://" + Redaction.REPLACEMENT + "@bucket/in", j.get("input").asText());
    assertEquals("hdfs://" + Redaction.REPLACEMENT + "@nn:8020/out", j.get("config").get("output").asText());
    assertEquals(24, j.get("config").get("max_new_tokens").asInt());
    assertEquals("[2,3]", j.get("config").get("eos_token_ids").toString());
    assertEquals("s3a://bucket/file@2024.csv", j.get("config").get("path").asText());
  }

  @Test
  void sparkRuleRedactsOnKeyOrValueAndHadoopRuleOnKnownKeys() {
    Redaction r = new Redaction(Redaction.DEFAULT_REGEX, new Configuration());
    assertEquals(Redaction.REPLACEMENT, r.value("spark.hadoop.fs.s3a.access.key", "AKIAEXAMPLE"));
    assertEquals(Redaction.REPLACEMENT, r.value("spark.executorEnv.X", "--password=hunter2"));
    assertEquals(Redaction.REPLACEMENT, r.value("spark.hadoop.fs.azure.account.key.acct", "abc"));
    assertEquals("8", r.value("spark.sql.shuffle.partitions", "8"));
    assertEquals("s3a://" + Redaction.REPLACEMENT + "@b/w", r.value("spark.sql.warehouse.dir", "s3a://k:v@b/w"));
    assertEquals("abc", new Redaction("(?i)nothing", new Configuration()).value("spark.my.secret", "abc"),
        "spark.redaction.regex decides");
  }

  private record Captured(String out, String err, String log) {}

  /** Runs {@code body} with stdout, stderr and the log4j root (at INFO) captured; output is echoed. */
  private static Captured capture(Runnable body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    StringWriter log = new StringWriter();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    WriterAppender appender = WriterAppender.newBuilder().setName("secrets-capture").setTarget(log)
        .setLayout(PatternLayout.newBuilder().withPattern("%p %c: %m%n%ex").build()).build();
    appender.start();
    ctx.getConfiguration().addAppender(appender);
    ctx.getRootLogger().addAppender(appender);
    Level oldLevel = ctx.getRootLogger().getLevel();
    Configurator.setRootLevel(Level.INFO);
    System.setOut(new PrintStream(tee(out, oldOut), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(tee(err, oldErr), true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      Configurator.setRootLevel(oldLevel);
      ctx.getRootLogger().removeAppender(appender);
      appender.stop();
    }
    return new Captured(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), log.toString());
  }

  private static OutputStream tee(OutputStream a, OutputStream b) {
    return new OutputStream() {
      @Override
      public void write(int x) throws IOException {
        a.write(x);
        b.write(x);
      }

      @Override
      public void write(byte[] buf, int off, int len) throws IOException {
        a.write(buf, off, len);
        b.write(buf, off, len);
      }
    };
  }
}
