package io.sampleforge.spark.common;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A lazy task-output iterator built from chunks: while {@code more} says input remains, {@code
 * next} reads some input and returns its output rows. Keeps one chunk in memory at a time.
 */
public final class ChunkedRows<T> implements Iterator<T> {
  private final BooleanSupplier more;
  private final Supplier<List<T>> next;
  private Iterator<T> current = Collections.emptyIterator();

  public ChunkedRows(BooleanSupplier more, Supplier<List<T>> next) {
    this.more = more;
    this.next = next;
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext() && more.getAsBoolean()) {
      current = next.get().iterator();
    }
    return current.hasNext();
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }
}
