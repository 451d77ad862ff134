package io.sampleforge.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The cell evaluator: values as objects, state across cells, and failures that name what failed. */
class JShellCellsTest {
  @Test
  void cellsShareStateAndYieldTheirLastExpressionAsAnObject() {
    try (JShellCells cells = new JShellCells(System.getProperty("java.class.path"))) {
      assertNull(cells.evaluate("import java.util.*;\nList<Integer> xs = new ArrayList<>();\nfor (int i = 0; i < 4; i++) xs.add(i * i);"));
      Object value = cells.evaluate("int total = 0;\nfor (int x : xs) total += x;\nMap.of(\"total\", total)");
      assertEquals(java.util.Map.of("total", 14), value);
      assertEquals(14, cells.evaluate("total"));
      assertNull(cells.evaluate("String s = \"declared, not shown\";"));
    }
  }

  @Test
  void compileErrorsAndExceptionsFailTheCell() {
    try (JShellCells cells = new JShellCells(System.getProperty("java.class.path"))) {
      CellFailure compile = assertThrows(CellFailure.class, () -> cells.evaluate("int x = \"text\";"));
      assertTrue(compile.getMessage().startsWith("does not compile: int x = \"text\";"), compile.getMessage());
      CellFailure thrown = assertThrows(CellFailure.class, () -> cells.evaluate("Integer.parseInt(\"twelve\")"));
      assertTrue(thrown.getMessage().contains("java.lang.NumberFormatException"), thrown.getMessage());
      CellFailure open = assertThrows(CellFailure.class, () -> cells.evaluate("for (int i = 0; i < 3; i++) {"));
      assertTrue(open.getMessage().startsWith("the cell ends inside"), open.getMessage());
      assertEquals(2, cells.evaluate("1 + 1"), "the state survives failed cells");
    }
  }
}
