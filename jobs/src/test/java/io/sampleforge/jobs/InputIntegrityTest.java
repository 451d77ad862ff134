package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that cannot be read are input errors (exit 3) that name the path or file and the reason,
 * for the jobs that read tables, and never leave an output or a staging folder: an empty folder, a
 * folder holding only a non-Parquet file, a truncated Parquet file, a Parquet file with 4 KB zeroed
 * in the middle (caught by page checksums; the test also shows that without verification the same
 * file reads silently with wrong values), a header-only CSV and a Parquet table with no rows.
 */
class InputIntegrityTest extends io.sampleforge.spark.LocalSparkTest {
  @TempDir
  static Path dir;
  private String table() {
    return SynthTable.at(dir, "table", 20000, "--set", "partitions=1");
  }

  private static Path partFile(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
    }
  }

  private Path copyOfTable(String name) throws IOException {
    Path copy = dir.resolve(name);
    Files.createDirectories(copy);
    Path part = partFile(Path.of(table()));
    Files.copy(part, copy.resolve(part.getFileName()));
    return copy;
  }

  private static String[] smote(String input, String output) {
    return new String[] {"smote", "--input", input, "--output", output, "--set", "features=[f0,f1,f2,f3]",
        "--set", "id_column=id"};
  }

  private static String[] gme(String input, String output) {
    return new String[] {"gme", "--input", input, "--output", output, "--set", "item=id", "--set", "attributes=[label]",
        "--set", "n=5"};
  }

  private static String[] generate(String input, String output) {
    return new String[] {"generate", "--input", input, "--output", output, "--set", "model.toy_sentences=50"};
  }

  private void inputError(String[] args, String... fragments) throws IOException {
    Cli r = Cli.run(args);
    assertEquals(3, r.code(), r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
    }
    assertFalse(r.err().contains("internal error"), r.err());
    Path out = Path.of(args[4]);
    assertFalse(Files.exists(out), "no output after a refused input");
    try (Stream<Path> s = Files.list(out.getParent())) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(out.getFileName() + ".staging")), "no staging left");
    }
  }

  @Test
  void aMissingInputPathIsAConfigError() {
    for (String[] args : List.of(smote(dir.resolve("nowhere").toString(), dir.resolve("m1").toString()),
        gme(dir.resolve("nowhere").toString(), dir.resolve("m2").toString()),
        generate(dir.resolve("nowhere").toString(), dir.resolve("m3").toString()))) {
      Cli r = Cli.run(args);
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains("parameter 'input' must be an existing path"), r.err());
    }
  }

  @Test
  void anEmptyFolderIsAnInputErrorForEveryJob() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Files.writeString(empty.resolve("_SUCCESS"), "");
    inputError(smote(empty.toString(), dir.resolve("o1").toString()), "must hold at least one data file", empty.toString());
    inputError(gme(empty.toString(), dir.resolve("o2").toString()), "must hold at least one data file");
    inputError(generate(empty.toString(), dir.resolve("o3").toString()), "must hold at least one data file");
  }

  @Test
  void aFolderWithOnlyANonParquetFileIsAnInputError() throws IOException {
    Path notes = Files.createDirectories(dir.resolve("notes"));
    Files.writeString(notes.resolve("readme.txt"), "this folder has no Parquet file in it\n");
    inputError(smote(notes.toString(), dir.resolve("o4").toString()), "could not be read", "readme.txt");
    inputError(generate(notes.toString(), dir.resolve("o5").toString()), "could not be read", "readme.txt");
  }

  /** A damaged copy of the table's part file: {@code damage} edits the copy in place. */
  private Path damagedCopy(String name, Damage damage) throws IOException {
    Path copy = copyOfTable(name);
    try (RandomAccessFile f = new RandomAccessFile(partFile(copy).toFile(), "rw")) {
      damage.apply(f);
    }
    return copy;
  }

  private interface Damage {
    void apply(RandomAccessFile f) throws IOException;
  }

  @Test
  void aTruncatedPartFileIsAnInputErrorNamingTheFile() throws IOException {
    Path truncated = damagedCopy("truncated", f -> f.setLength(f.length() / 2));
    Path part = partFile(truncated);
    inputError(smote(truncated.toString(), dir.resolve("o6").toString()), "could not be read", part.getFileName().toString());
    inputError(gme(truncated.toString(), dir.resolve("o7").toString()), "could not be read", part.getFileName().toString());
  }

  @Test
  void aZeroedPageFailsItsChecksumInsteadOfCorruptingTheOutput() throws IOException {
    Path zeroed = damagedCopy("zeroed", f -> {
      f.seek(f.length() / 2);
      f.write(new byte[4096]);
    });
    Path part = partFile(zeroed);
    inputError(smote(zeroed.toString(), dir.resolve("o8").toString()), "could not be read", "CRC checksum",
        part.getFileName().toString());
    // gme reads every column when it emits the selected rows
    String[] gmeRows = java.util.stream.Stream.concat(java.util.Arrays.stream(gme(zeroed.toString(), dir.resolve("o9").toString())),
        java.util.stream.Stream.of("--set", "emit=rows")).toArray(String[]::new);
    inputError(gmeRows, "could not be read", "CRC checksum");
    // power: without checksum verification the damaged file reads "fine" and gives other values
    List<Row> original = spark.read().parquet(table()).orderBy("id").collectAsList();
    List<Row> silent = spark.read().option(io.sampleforge.jobs.io.TableInput.VERIFY_CHECKSUMS, "false")
        .parquet(zeroed.toString()).orderBy("id").collectAsList();
    assertEquals(original.size(), silent.size());
    assertNotEquals(original, silent, "the zeroed bytes change values when nothing verifies them");
  }

  @Test
  void aHeaderOnlyCsvIsAnEmptyTableNotATypeError() throws IOException {
    Path csv = dir.resolve("header-only.csv");
    Files.writeString(csv, "id,f0,f1,f2,f3,label\n");
    inputError(smote(csv.toString(), dir.resolve("o10").toString()), "is an empty table");
    Path prompts = dir.resolve("prompts-header.csv");
    Files.writeString(prompts, "id,prompt\n");
    inputError(generate(prompts.toString(), dir.resolve("o11").toString()), "is an empty table");
  }

  @Test
  void aParquetTableWithNoRowsIsAnInputError() throws IOException {
    String empty = dir.resolve("no-rows").toString();
    spark.createDataFrame(List.<Row>of(), new StructType().add("id", "long").add("f0", "double").add("f1", "double")
        .add("f2", "double").add("f3", "double").add("label", "int")).write().parquet(empty);
    inputError(smote(empty, dir.resolve("o12").toString()), "is an empty table");
    inputError(gme(empty, dir.resolve("o13").toString()), "is an empty table");
    String prompts = dir.resolve("no-prompts").toString();
    spark.createDataFrame(List.of(RowFactory.create(1L, "a")), new StructType().add("id", "long").add("prompt", "string"))
        .filter("id < 0").write().parquet(prompts);
    inputError(generate(prompts, dir.resolve("o14").toString()), "is an empty table");
  }
}
