package io.sampleforge.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Spark's Java 17 module options are listed once, in conf/jvm/spark-java17.options (submit.sh and
 * the bench scripts read that file). Two places cannot read a file and repeat the list: the pom's
 * {@code spark.jvm.options} property (the test JVMs' argLine) and conf/spark/cluster.conf's driver
 * and executor extraJavaOptions (a Spark properties file, plus DJL's offline flags). This test fails
 * when either differs from the list.
 */
class JvmOptionsTest {
  private static final Path ROOT = Path.of("..");

  private static List<String> theList() throws IOException {
    return Files.readAllLines(ROOT.resolve("conf/jvm/spark-java17.options")).stream().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  @Test
  void thePomRepeatsTheList() throws IOException {
    Matcher m = Pattern.compile("<spark\\.jvm\\.options>([^<]*)</spark\\.jvm\\.options>")
        .matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertTrue(m.find(), "pom.xml defines spark.jvm.options");
    assertEquals(theList(), Arrays.asList(m.group(1).strip().split("\\s+")));
  }

  @Test
  void theClusterPropertiesRepeatTheListPlusDjlsFlags() throws IOException {
    List<String> expected = new java.util.ArrayList<>(theList());
    expected.addAll(List.of("-Dai.djl.offline=true", "-DdisableProgressBar=true"));
    int seen = 0;
    for (String line : Files.readAllLines(ROOT.resolve("conf/spark/cluster.conf"))) {
      if (line.startsWith("spark.driver.extraJavaOptions") || line.startsWith("spark.executor.extraJavaOptions")) {
        List<String> flags = Arrays.asList(line.strip().split("\\s+"));
        assertEquals(expected, flags.subList(1, flags.size()), line.substring(0, 40));
        seen++;
      }
    }
    assertEquals(2, seen, "driver and executor options");
  }
}
