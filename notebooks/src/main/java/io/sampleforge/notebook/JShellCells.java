package io.sampleforge.notebook;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Evaluates notebook cells of Java code, in order, in one JShell state that runs in this JVM with a
 * given classpath (the built project's). A cell may hold any number of declarations, statements and
 * expressions; it is cut into snippets with JShell's own source analysis and each runs before the next
 * compiles. The cell's value is the object of its last snippet when that is an expression (a chart
 * image, a text table, a number), else null. A snippet that does not compile, that refers to something
 * undefined, or that throws ends the cell with a {@link CellFailure}. Used by the Jupyter kernel
 * ({@link SampleforgeKernel}) and by the test that executes every committed notebook, so both run cells
 * the same way. Cost: one javac compilation per snippet (tens of milliseconds once warm).
 */
public final class JShellCells implements AutoCloseable {
  private final RetainingExecutionControl control = new RetainingExecutionControl();
  private final JShell shell;

  /** A JShell state whose snippets compile against and run with {@code classpath}. */
  public JShellCells(String classpath) {
    this.shell = JShell.builder().executionEngine(new RetainingExecutionProvider(control), java.util.Map.of()).build();
    if (!classpath.isBlank()) {
      shell.addToClasspath(classpath);
    }
  }

  /** Runs one cell and returns the value of its last expression (null when it ends in a declaration or statement). */
  public Object evaluate(String cell) {
    SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
    String remaining = cell;
    Object value = null;
    while (!remaining.isBlank()) {
      CompletionInfo info = analysis.analyzeCompletion(remaining);
      if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
        break;
      }
      if (!info.completeness().isComplete()) {
        throw new CellFailure("the cell ends inside a statement or declaration (" + info.completeness()
            + "): " + firstLine(remaining));
      }
      value = run(info.source());
      remaining = info.remaining();
    }
    return value;
  }

  private Object run(String source) {
    Object value = null;
    for (SnippetEvent event : shell.eval(source)) {
      if (event.causeSnippet() != null) {
        continue;
      }
      Snippet snippet = event.snippet();
      switch (event.status()) {
        case REJECTED -> throw new CellFailure("does not compile: " + firstLine(source) + "\n" + diagnostics(snippet));
        case RECOVERABLE_DEFINED, RECOVERABLE_NOT_DEFINED -> throw new CellFailure(
            "refers to something undefined: " + firstLine(source) + "\n"
                + String.join(", ", shell.unresolvedDependencies((jdk.jshell.DeclarationSnippet) snippet).toList()));
        default -> { }
      }
      if (event.exception() != null) {
        throw new CellFailure("threw " + describe(event.exception()) + "\n  in: " + firstLine(source));
      }
      Object result = control.take(event.value());
      value = showsValue(snippet) ? result : null;
    }
    return value;
  }

  /** Expressions show their value; declarations (even with an initializer) and statements do not. */
  private static boolean showsValue(Snippet snippet) {
    return switch (snippet.subKind()) {
      case TEMP_VAR_EXPRESSION_SUBKIND, VAR_VALUE_SUBKIND, ASSIGNMENT_SUBKIND, OTHER_EXPRESSION_SUBKIND -> true;
      default -> false;
    };
  }

  private String diagnostics(Snippet snippet) {
    return shell.diagnostics(snippet).map(d -> "  " + d.getMessage(Locale.ROOT)).collect(Collectors.joining("\n"));
  }

  private static String describe(JShellException exception) {
    StringBuilder text = new StringBuilder();
    Throwable t = exception;
    while (t != null) {
      if (text.length() > 0) {
        text.append("\ncaused by ");
      }
      String name = t instanceof EvalException e ? e.getExceptionClassName()
          : t instanceof UnresolvedReferenceException u ? "unresolved reference to " + u.getSnippet().source()
          : t.getClass().getName();
      text.append(name).append(": ").append(t.getMessage());
      List<StackTraceElement> frames = List.of(t.getStackTrace());
      frames.stream().limit(12).forEach(f -> text.append("\n    at ").append(f));
      t = t.getCause() == t ? null : t.getCause();
    }
    return text.toString();
  }

  private static String firstLine(String source) {
    String trimmed = source.strip();
    int end = trimmed.indexOf('\n');
    return end < 0 ? trimmed : trimmed.substring(0, end) + " ...";
  }

  /** JShell's completion suggestions at {@code cursor}, for the kernel's complete_request. */
  public List<SourceCodeAnalysis.Suggestion> suggestions(String code, int cursor, int[] anchor) {
    return shell.sourceCodeAnalysis().completionSuggestions(code, cursor, anchor);
  }

  /** Whether {@code code} is a complete unit of input, for the kernel's is_complete_request. */
  public SourceCodeAnalysis.Completeness completeness(String code) {
    return shell.sourceCodeAnalysis().analyzeCompletion(code).completeness();
  }

  @Override
  public void close() {
    shell.close();
  }
}
