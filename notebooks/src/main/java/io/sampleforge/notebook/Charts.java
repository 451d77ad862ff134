package io.sampleforge.notebook;

import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The notebooks' charts, drawn with JFreeChart into images that the kernel shows as PNG. Each takes
 * series in insertion order (pass a {@link java.util.LinkedHashMap}; in a scatter plot the first series is
 * drawn on top) and refuses empty data, so a
 * chart cannot silently come out blank. Cost: O(points) plus rendering one 760x440 image.
 */
public final class Charts {
  private static final int WIDTH = 760;
  private static final int HEIGHT = 440;

  private Charts() {}

  /** Grouped bars: {@code values.get(series).get(category)}. */
  public static BufferedImage bars(String title, String valueAxis, Map<String, ? extends Map<String, ? extends Number>> values) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    values.forEach((series, byCategory) -> byCategory.forEach((category, v) -> data.addValue(v, series, category)));
    require(data.getRowCount() > 0 && data.getColumnCount() > 0, title);
    JFreeChart chart = ChartFactory.createBarChart(title, null, valueAxis, data, PlotOrientation.VERTICAL, true, false, false);
    return render(chart);
  }

  /** Points: {@code points.get(series)} is an array of {x, y} pairs. */
  public static BufferedImage scatter(String title, String xAxis, String yAxis, Map<String, double[][]> points) {
    JFreeChart chart = ChartFactory.createScatterPlot(title, xAxis, yAxis, collection(points, title));
    XYItemRenderer renderer = chart.getXYPlot().getRenderer();
    for (int s = 0; s < points.size(); s++) {
      renderer.setSeriesShape(s, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
    }
    return render(chart);
  }

  /** Lines through points: {@code points.get(series)} is an array of {x, y} pairs, in x order. */
  public static BufferedImage lines(String title, String xAxis, String yAxis, Map<String, double[][]> points) {
    JFreeChart chart = ChartFactory.createXYLineChart(title, xAxis, yAxis, collection(points, title));
    return render(chart);
  }

  private static XYSeriesCollection collection(Map<String, double[][]> points, String title) {
    XYSeriesCollection data = new XYSeriesCollection();
    points.forEach((name, xy) -> {
      XYSeries series = new XYSeries(name, false, true);
      for (double[] p : xy) {
        series.add(p[0], p[1]);
      }
      data.addSeries(series);
    });
    require(data.getSeriesCount() > 0 && data.getSeries(0).getItemCount() > 0, title);
    return data;
  }

  private static BufferedImage render(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    Plot plot = chart.getPlot();
    plot.setBackgroundPaint(Color.WHITE);
    if (plot instanceof XYPlot xy) {
      xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
      xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
    } else if (plot instanceof CategoryPlot category) {
      category.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }
    return chart.createBufferedImage(WIDTH, HEIGHT);
  }

  private static void require(boolean hasData, String title) {
    if (!hasData) {
      throw new IllegalArgumentException("chart '" + title + "': no data to draw");
    }
  }
}
