package io.sampleforge.notebook;

import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.util.HashSet;
import java.util.Set;

/** Whether a chart image holds a drawing: several colours and a minimum share of non-white pixels. */
final class ChartPixels {
  private ChartPixels() {}

  static boolean drawn(RenderedImage rendered) {
    BufferedImage image = (BufferedImage) rendered;
    Set<Integer> colours = new HashSet<>();
    long inked = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y) & 0xFFFFFF;
        colours.add(rgb);
        inked += rgb == 0xFFFFFF ? 0 : 1;
      }
    }
    long pixels = (long) image.getWidth() * image.getHeight();
    return image.getWidth() >= 200 && colours.size() >= 4 && inked >= pixels / 50;
  }
}
