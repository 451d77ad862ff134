package io.sampleforge.notebook;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The blank-chart check can fail: a white image and an axis-only image are not drawings; a chart is. */
class ChartPixelsTest {
  @Test
  void blankImagesAreNotCharts() {
    BufferedImage white = new BufferedImage(760, 440, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = white.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 760, 440);
    g.setColor(Color.BLACK);
    g.drawLine(40, 400, 720, 400);
    g.dispose();
    assertFalse(ChartPixels.drawn(white));
  }

  @Test
  void aChartIsDrawnAndEmptyDataIsRefused() {
    Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    counts.put("before", Map.of("a", 900, "b", 100));
    counts.put("after", Map.of("a", 900, "b", 900));
    assertTrue(ChartPixels.drawn(Charts.bars("classes", "rows", counts)));
    assertThrows(IllegalArgumentException.class, () -> Charts.scatter("none", "x", "y", Map.of()));
  }
}
