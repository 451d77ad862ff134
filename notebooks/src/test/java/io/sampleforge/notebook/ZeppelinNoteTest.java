package io.sampleforge.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;
import scala.tools.nsc.interpreter.shell.ReplReporterImpl;

/**
 * The Zeppelin note's %spark paragraphs compile and run, in order, in the Scala 2.13 interpreter that
 * spark-shell and Zeppelin's Spark interpreter are built on, with the project's classpath and a
 * {@code spark} session bound as Zeppelin binds it. Zeppelin itself is not started (not on Maven Central
 * for this Spark); notebooks/README.md says so.
 */
class ZeppelinNoteTest {
  @Test
  void everySparkParagraphRuns() throws Exception {
    JsonNode note = new ObjectMapper().readTree(Path.of("zeppelin", "sampleforge.zpln").toFile());
    List<String> paragraphs = new ArrayList<>();
    for (JsonNode p : note.get("paragraphs")) {
      String text = p.get("text").asText();
      if (text.startsWith("%spark\n")) {
        paragraphs.add(text.substring("%spark\n".length()));
      }
    }
    assertEquals(5, paragraphs.size(), "the note's %spark paragraphs");

    SparkSession spark = SparkSession.builder().master("local[2]").appName("zeppelin note check")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    StringWriter output = new StringWriter();
    Settings settings = new Settings();
    settings.usejavacp().value_$eq(true);
    IMain interpreter = new IMain(settings, new ReplReporterImpl(settings, new PrintWriter(output, true)));
    try {
      assertEquals(Results.Success$.MODULE$, interpreter.bind("spark", SparkSession.class.getName(), spark,
          scala.jdk.javaapi.CollectionConverters.asScala(List.<String>of()).toList()), output.toString());
      for (int i = 0; i < paragraphs.size(); i++) {
        Results.Result result = interpreter.interpret(paragraphs.get(i));
        assertEquals(Results.Success$.MODULE$, result, "paragraph " + (i + 1) + ":\n" + output);
      }
    } finally {
      interpreter.close();
      spark.stop();
    }
    String text = output.toString();
    assertFalse(text.contains("error:"), text);
    assertTrue(text.contains("val differing: Long = 0"), text);
    assertTrue(text.contains("val selectedItems: Long = 100"), text);
  }
}
