package io.sampleforge.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.RenderedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every notebook in notebooks/ runs: each code cell, in order, through the same JShell evaluator as the
 * Jupyter kernel, against the built project; a cell that fails to compile or throws fails the test, and
 * so does a cell whose stored output is a picture but whose value is not a drawn chart. The committed
 * notebooks must also carry the outputs of a real Jupyter run (notebooks/run.sh): every code cell
 * executed, no stored errors, a PNG wherever the cell draws.
 */
class NotebooksExecuteTest {
  private static final Path NOTEBOOKS = Path.of("").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<Path> notebooks() throws IOException {
    try (Stream<Path> files = Files.list(NOTEBOOKS)) {
      return files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
  }

  static List<JsonNode> codeCells(Path notebook) throws IOException {
    List<JsonNode> cells = new ArrayList<>();
    for (JsonNode cell : JSON.readTree(notebook.toFile()).get("cells")) {
      if ("code".equals(cell.get("cell_type").asText())) {
        cells.add(cell);
      }
    }
    return cells;
  }

  static String source(JsonNode cell) {
    JsonNode s = cell.get("source");
    if (s.isTextual()) {
      return s.asText();
    }
    StringBuilder text = new StringBuilder();
    s.forEach(line -> text.append(line.asText()));
    return text.toString();
  }

  static boolean storesImage(JsonNode cell) {
    for (JsonNode output : cell.path("outputs")) {
      if (output.path("data").has("image/png")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void everyJobFamilyHasANotebook() throws IOException {
    java.util.Set<String> names = notebooks().stream().map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
    assertEquals(java.util.Set.of("corrupt.ipynb", "diffuse.ipynb", "gme.ipynb", "generate.ipynb", "posterior.ipynb",
        "smote.ipynb", "your-own-table.ipynb", "mix.ipynb", "coreset.ipynb", "batch.ipynb"), names);
  }

  @TestFactory
  Stream<DynamicTest> committedNotebooksCarryTheOutputsOfAJupyterRun() throws IOException {
    return notebooks().stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> {
      JsonNode root = JSON.readTree(nb.toFile());
      assertEquals("sampleforge-java", root.path("metadata").path("kernelspec").path("name").asText(),
          "kernelspec of " + nb.getFileName());
      int images = 0;
      for (JsonNode cell : codeCells(nb)) {
        assertFalse(cell.path("execution_count").isNull(), "unexecuted cell in " + nb.getFileName() + ": " + source(cell));
        for (JsonNode output : cell.path("outputs")) {
          assertFalse("error".equals(output.path("output_type").asText()),
              "stored error in " + nb.getFileName() + ": " + output.path("evalue").asText());
        }
        images += storesImage(cell) ? 1 : 0;
      }
      assertTrue(images >= 1, nb.getFileName() + " shows at least one chart");
    }));
  }

  @TestFactory
  Stream<DynamicTest> everyCellRunsAndEveryChartIsDrawn() throws IOException {
    String classpath = System.getProperty("java.class.path");
    return notebooks().stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> {
      List<JsonNode> cells = codeCells(nb);
      assertFalse(cells.isEmpty());
      try (JShellCells shell = new JShellCells(classpath)) {
        for (int i = 0; i < cells.size(); i++) {
          JsonNode cell = cells.get(i);
          Object value;
          try {
            value = shell.evaluate(source(cell));
          } catch (CellFailure e) {
            fail(nb.getFileName() + ", code cell " + (i + 1) + ": " + e.getMessage());
            return;
          }
          if (storesImage(cell)) {
            assertNotNull(value, nb.getFileName() + ", code cell " + (i + 1) + " shows no value");
            RenderedImage image = assertInstanceOf(RenderedImage.class, value, nb.getFileName() + ", code cell " + (i + 1));
            assertTrue(ChartPixels.drawn(image), nb.getFileName() + ", code cell " + (i + 1) + ": the chart is blank");
          }
        }
      }
    }));
  }
}
