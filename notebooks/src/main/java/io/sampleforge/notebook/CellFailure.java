package io.sampleforge.notebook;

/**
 * A notebook cell that did not run: a snippet that did not compile (the compiler's diagnostics), a
 * snippet that threw (the exception's class, message and stack), or code that does not end where the
 * cell ends. The message names the failing snippet's first line.
 */
public final class CellFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CellFailure(String message) {
    super(message);
  }
}
