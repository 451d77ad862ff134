package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A synth-table output made once per test class, the input most job tests start from. */
public final class SynthTable {
  private SynthTable() {}

  /** Writes {@code dir/name} with {@code rows} rows and the extra command-line arguments, unless it exists. */
  public static String at(Path dir, String name, long rows, String... extra) {
    Path out = dir.resolve(name);
    if (!Files.exists(out)) {
      List<String> args = new ArrayList<>(List.of("synth-table", "--output", out.toString(), "--rows", Long.toString(rows)));
      args.addAll(List.of(extra));
      assertEquals(0, SampleforgeMain.execute(args.toArray(String[]::new)), "synth-table " + args);
    }
    return out.toString();
  }
}
