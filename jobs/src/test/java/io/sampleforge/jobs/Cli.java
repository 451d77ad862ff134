package io.sampleforge.jobs;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs a command line in this JVM and captures its exit code and standard error. */
public record Cli(int code, String err) {
  public static Cli run(String... args) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream previous = System.err;
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = SampleforgeMain.execute(args);
    } finally {
      System.setErr(previous);
    }
    String err = buffer.toString(StandardCharsets.UTF_8);
    previous.print(err);
    return new Cli(code, err);
  }
}
