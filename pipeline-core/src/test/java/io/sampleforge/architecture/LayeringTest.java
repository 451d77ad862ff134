package io.sampleforge.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of pipeline-core, checked on its compiled main classes (ArchUnit): kernels never see
 * Spark, Hadoop or Scala; each family's Spark stages see only their own package, the shared
 * {@code spark.common} and, for SMOTE, the neighbour plans they are built on; {@code spark.common}
 * sees no family. Each rule fails the build with the offending class and dependency.
 */
class LayeringTest {
  static final String[] KERNELS = {"io.sampleforge.tabular..", "io.sampleforge.neighbors..", "io.sampleforge.subset..",
      "io.sampleforge.decode..", "io.sampleforge.model..", "io.sampleforge.text..", "io.sampleforge.random..",
      "io.sampleforge.errors..", "io.sampleforge.diffusion.."};

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS).importPackages("io.sampleforge");
  }

  @Test
  void kernelsNeverImportSparkHadoopOrScala() {
    ArchRule rule = noClasses().that().resideInAnyPackage(KERNELS).should().dependOnClassesThat()
        .resideInAnyPackage("org.apache.spark..", "org.apache.hadoop..", "scala..", "io.sampleforge.spark..")
        .because("kernels run anywhere (a task, a unit test, a notebook) and never import Spark");
    rule.check(classes);
  }

  @Test
  void sharedSparkHelpersKnowNoFamily() {
    noClasses().that().resideInAPackage("io.sampleforge.spark.common..").should().dependOnClassesThat()
        .resideInAnyPackage("io.sampleforge.spark.tabular..", "io.sampleforge.spark.neighbors..",
            "io.sampleforge.spark.subset..", "io.sampleforge.spark.text..")
        .because("spark.common is the one shared place; nobody in it reaches back into a family")
        .check(classes);
  }

  @Test
  void familyStagesDoNotReachIntoEachOther() {
    family("tabular", "subset", "text");
    family("neighbors", "tabular", "subset", "text");
    family("subset", "tabular", "neighbors", "text");
    family("text", "tabular", "neighbors", "subset");
  }

  private static void family(String family, String... others) {
    String[] forbidden = new String[others.length];
    for (int i = 0; i < others.length; i++) {
      forbidden[i] = "io.sampleforge.spark." + others[i] + "..";
    }
    noClasses().that().resideInAPackage("io.sampleforge.spark." + family + "..").should().dependOnClassesThat()
        .resideInAnyPackage(forbidden)
        .because("a family's stages share only spark.common (and SMOTE its neighbour plans)")
        .check(classes);
  }

  /** The rules can fail: the importer sees the classes, and a known dependency is found. */
  @Test
  void theImportSeesTheStagesAndTheirDependencies() {
    org.junit.jupiter.api.Assertions.assertTrue(classes.contain("io.sampleforge.spark.tabular.Smote"));
    org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> noClasses().that()
        .resideInAPackage("io.sampleforge.spark.tabular..").should().dependOnClassesThat()
        .resideInAPackage("io.sampleforge.spark.neighbors..").check(classes));
  }
}
