package io.sampleforge.spark.common;

import org.apache.spark.TaskContext;
import org.apache.spark.memory.MemoryConsumer;
import org.apache.spark.memory.MemoryMode;
import org.apache.spark.memory.TaskMemoryManager;

/**
 * Books heap that a kernel allocates itself (plain Java arrays Spark cannot see) against the task's
 * execution memory, so Spark's own consumers in the same task, such as the sorter feeding the
 * kernel, spill to disk to make room instead of the executor running out of heap. When the
 * executor cannot grant what the kernel needs, {@link #reserve} fails with an
 * {@link ExecutionMemoryShortfall} that names the need and what was available, instead of an
 * {@link OutOfMemoryError} that would kill the executor. This consumer never spills: the kernel's
 * arrays are in use until the task releases them ({@link #close}). Outside a Spark task (unit
 * tests, the driver) it books nothing. Cost: one call into Spark's memory manager per reservation.
 */
public final class TaskMemoryReservation implements AutoCloseable {
  private final Consumer consumer;
  private final String what;
  private final String advice;

  /** A reservation for {@code what} (named in errors), with {@code advice} on how to need less. */
  public TaskMemoryReservation(String what, String advice) {
    TaskContext tc = TaskContext.get();
    this.consumer = tc == null ? null : new Consumer(tc.taskMemoryManager());
    this.what = what;
    this.advice = advice;
  }

  /** Makes the booked total at least {@code totalBytes}, acquiring only the difference. */
  public void reserve(long totalBytes) {
    if (consumer == null || totalBytes <= consumer.getUsed()) {
      return;
    }
    long wanted = totalBytes - consumer.getUsed();
    long granted = consumer.acquireMemory(wanted);
    if (granted < wanted) {
      long held = consumer.getUsed();
      throw new ExecutionMemoryShortfall(what + " needs about " + mib(totalBytes) + " of execution memory, but the "
          + "executor granted only " + mib(held) + " to this task; " + advice);
    }
  }

  public long reserved() {
    return consumer == null ? 0 : consumer.getUsed();
  }

  @Override
  public void close() {
    if (consumer != null && consumer.getUsed() > 0) {
      consumer.freeMemory(consumer.getUsed());
    }
  }

  private static String mib(long bytes) {
    return (bytes >> 20) + " MiB";
  }

  private static final class Consumer extends MemoryConsumer {
    Consumer(TaskMemoryManager manager) {
      super(manager, MemoryMode.ON_HEAP);
    }

    @Override
    public long spill(long size, MemoryConsumer trigger) {
      return 0;
    }
  }
}
