package io.sampleforge.notebook;

import java.util.ArrayList;
import java.util.List;
import jdk.jshell.SourceCodeAnalysis;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.common.Image;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;

/**
 * The Jupyter kernel of the notebooks: Java cells evaluated by {@link JShellCells} in the kernel's
 * JVM, with the built project on the classpath, on top of the Jupyter messaging protocol of DFLib's
 * JJava ({@code org.dflib.jjava:jjava-jupyter}: ZeroMQ channels, message signing, display data).
 * A cell's value is shown the Jupyter way: images ({@link java.awt.image.RenderedImage}, such as the
 * {@link Charts}) as {@code image/png}, anything else as its {@code toString()}. Printing goes to the
 * cell's output stream. No magics: a cell is plain Java. Cost per cell: {@link JShellCells}.
 */
public final class SampleforgeKernel extends BaseKernel {
  private final JShellCells cells;

  private SampleforgeKernel(Builder b, JShellCells cells) {
    super(b.name(), b.version(), languageInfo(), List.of(), null, b.io(), b.comms(), b.renderer(), b.magics(),
        b.registry(), false, b.styler());
    this.cells = cells;
    Image.registerAll(getRenderer());
  }

  private static LanguageInfo languageInfo() {
    return new LanguageInfo("java", System.getProperty("java.specification.version"), "text/x-java-source",
        ".jshell", "java", "java", "script");
  }

  /** A builder for a kernel whose cells see {@code classpath}. */
  public static Builder builder(String classpath) {
    return new Builder(classpath);
  }

  @Override
  public Object evalRaw(String code) {
    return cells.evaluate(code);
  }

  @Override
  public DisplayData eval(String code) {
    Object value = evalRaw(code);
    return value == null ? null : getRenderer().render(value);
  }

  @Override
  public DisplayData inspect(String code, int at, boolean extraDetail) {
    return null;
  }

  @Override
  public ReplacementOptions complete(String code, int at) {
    int[] anchor = new int[1];
    List<String> names = new ArrayList<>();
    for (SourceCodeAnalysis.Suggestion s : cells.suggestions(code, at, anchor)) {
      names.add(s.continuation());
    }
    return names.isEmpty() ? null : new ReplacementOptions(names, anchor[0], at);
  }

  @Override
  public String isComplete(String code) {
    SourceCodeAnalysis.Completeness c = cells.completeness(code);
    if (c == SourceCodeAnalysis.Completeness.UNKNOWN) {
      return IS_COMPLETE_BAD;
    }
    return c.isComplete() ? IS_COMPLETE_YES : "";
  }

  @Override
  public List<String> formatError(Throwable error) {
    if (error instanceof CellFailure) {
      return List.of(error.getMessage().split("\n"));
    }
    return super.formatError(error);
  }

  @Override
  public void onShutdown(boolean restart) {
    cells.close();
  }

  /** Builds the kernel from JJava's protocol components. */
  public static final class Builder extends BaseKernelBuilder<Builder, SampleforgeKernel> {
    private final String classpath;

    private Builder(String classpath) {
      this.classpath = classpath;
    }

    @Override
    public SampleforgeKernel build() {
      return new SampleforgeKernel(this, new JShellCells(classpath));
    }

    String name() {
      return name == null ? "Sampleforge Java" : name;
    }

    String version() {
      return version == null ? "1" : version;
    }

    org.dflib.jjava.jupyter.kernel.JupyterIO io() {
      return buildJupyterIO(buildJupyterIOEncoding());
    }

    org.dflib.jjava.jupyter.kernel.comm.CommManager comms() {
      return buildCommManager();
    }

    org.dflib.jjava.jupyter.kernel.display.Renderer renderer() {
      return buildRenderer();
    }

    MagicParser magics() {
      return new MagicParser("(?<=(?:^|=))\\s*%", "%%", buildMagicTranspiler());
    }

    org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry registry() {
      return buildMagicsRegistry();
    }

    org.dflib.jjava.jupyter.kernel.util.StringStyler styler() {
      return buildErrorStyler();
    }
  }
}
