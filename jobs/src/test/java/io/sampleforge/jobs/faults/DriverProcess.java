package io.sampleforge.jobs.faults;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Sampleforge driver in its own JVM (the test JVM's classpath and module flags, 1 GB heap,
 * local Spark), so a test can kill it (SIGKILL, SIGTERM, or a halt at a named commit point) and look
 * at what it left behind.
 */
final class DriverProcess {
  final Process process;
  final Path log;

  private DriverProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * JIT and GC flags for a short-lived child JVM on a small machine: C1 only (the C2 compiler threads
   * of a default JVM burn more CPU than a few-second job gains from them; a CommitCrashTest driver
   * measured about 30 % less CPU and wall time on 2 cores) and the serial collector (no parallel GC
   * threads competing for the same cores). Neither changes what the JVM computes.
   */
  static final List<String> SHORT_LIVED_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  static DriverProcess start(Path logDir, List<String> systemProperties, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-Xmx") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx1g");
    cmd.addAll(SHORT_LIVED_JVM);
    cmd.add("-Dspark.ui.enabled=false");
    cmd.add("-Dspark.master=local[2]");
    systemProperties.forEach(p -> cmd.add("-D" + p));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.sampleforge.jobs.SampleforgeMain");
    cmd.addAll(List.of(args));
    Files.createDirectories(logDir);
    Path log = Files.createTempFile(logDir, "driver-", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    return new DriverProcess(pb.start(), log);
  }

  /** Waits for the process to end (at most {@code seconds}) and returns its exit code. */
  int waitFor(int seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("driver did not finish in " + seconds + " s; log:\n" + output());
    }
    return process.exitValue();
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Polls until a file or folder whose name starts with {@code prefix} appears anywhere under {@code root}. */
  static boolean awaitEntry(Path root, String prefix, int seconds) throws InterruptedException, IOException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      if (Files.exists(root)) {
        try (var s = Files.walk(root)) {
          if (s.anyMatch(p -> p.getFileName().toString().startsWith(prefix))) {
            return true;
          }
        } catch (java.io.UncheckedIOException ignored) {
          // a folder vanished while walking; poll again
        }
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** Polls until a part file exists somewhere under a folder of {@code root} whose name starts with {@code stagingPrefix}. */
  static boolean awaitPartFile(Path root, String stagingPrefix, int seconds) throws InterruptedException, IOException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      try (var s = Files.walk(root)) {
        if (s.anyMatch(p -> p.getFileName().toString().startsWith("part-") && p.toString().contains("/" + stagingPrefix))) {
          return true;
        }
      } catch (java.io.UncheckedIOException ignored) {
        // a folder vanished while walking; poll again
      }
      Thread.sleep(50);
    }
    return false;
  }

  static List<String> names(Path folder) throws IOException {
    try (var s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static File file(Path p) {
    return p.toFile();
  }
}
